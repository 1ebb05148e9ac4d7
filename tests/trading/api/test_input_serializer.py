"""The order body's serializer: each instance validates with fields of its own."""

from decimal import Decimal

from trading.api.serializers import OrderPlaceInputSerializer

BODY = {"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": "0.5"}


def test_instances_bind_their_own_copies_and_leave_the_declared_fields_unbound():
    first = OrderPlaceInputSerializer(data=BODY)
    second = OrderPlaceInputSerializer(data={**BODY, "quantity": "-1", "stop_loss": {}})

    assert first.is_valid(), first.errors
    assert not second.is_valid()

    assert first.validated_data["quantity"] == Decimal("0.5")
    assert set(second.errors) == {"quantity", "stop_loss"}
    assert second.errors["stop_loss"] == {"stop_price": ["This field is required."]}
    for name in ("quantity", "stop_loss"):
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not theirs
        assert mine.parent is first and theirs.parent is second
        declared = OrderPlaceInputSerializer._declared_fields[name]
        assert declared.parent is None and declared.field_name is None
