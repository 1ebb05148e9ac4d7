"""Listing instruments: validation, the admin and the demo seed."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from market.models import Instrument
from market.services import instrument_set_status, instrument_upsert, underlying_upsert
from trading.models import Account

PERPETUAL = {
    "kind": Instrument.Kind.PERPETUAL,
    "funding_interval_hours": 8,
    "tick_size": Decimal("0.5"),
    "lot_size": Decimal("0.0001"),
    "min_quantity": Decimal("0.0001"),
    "max_quantity": Decimal("100"),
    "max_leverage": Decimal("50"),
    "initial_margin_rate": Decimal("0.02"),
    "maintenance_margin_rate": Decimal("0.01"),
}


def btc():
    return underlying_upsert(symbol="BTC", name="Bitcoin", initial_price=Decimal("50000"))


def upsert(**changes):
    return instrument_upsert(symbol="TEST-PERP", **{"underlying": btc(), **PERPETUAL, **changes})


TIERS_MANAGEMENT_FORM = {
    "tiers-TOTAL_FORMS": "0",
    "tiers-INITIAL_FORMS": "0",
    "tiers-MIN_NUM_FORMS": "0",
    "tiers-MAX_NUM_FORMS": "1000",
}


@pytest.mark.django_db
def test_upsert_creates_then_changes_one_instrument():
    created = upsert()
    changed = upsert(max_leverage=Decimal("25"))

    assert changed.pk == created.pk
    assert Instrument.objects.get(symbol="TEST-PERP").max_leverage == Decimal("25")
    assert changed.status == Instrument.Status.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"maintenance_margin_rate": Decimal("0.02")}, "maintenance_margin_rate"),
        ({"maintenance_margin_rate": Decimal("0.03")}, "maintenance_margin_rate"),
        ({"tick_size": Decimal("0")}, "tick_size"),
        ({"max_leverage": Decimal("51")}, "max_leverage"),
        ({"min_quantity": Decimal("200")}, "min_quantity"),
    ],
    ids=["maintenance-equals-initial", "maintenance-above-initial", "zero-tick", "leverage",
         "min-above-max"],
)  # fmt: skip
def test_upsert_refuses_a_listing_that_cannot_trade(changes, field):
    with pytest.raises(ValidationError) as refused:
        upsert(**changes)

    assert field in refused.value.message_dict
    assert not Instrument.objects.filter(symbol="TEST-PERP").exists()


@pytest.mark.django_db
def test_upsert_refuses_unknown_fields_and_leaves_status_to_its_service():
    with pytest.raises(TypeError, match="status"):
        upsert(status=Instrument.Status.HALTED)


@pytest.mark.django_db
def test_set_status_halts_and_reopens_but_never_moves_a_settled_instrument():
    instrument = upsert()

    assert instrument_set_status(instrument=instrument, status="halted").status == "halted"
    assert instrument_set_status(instrument=instrument, status="open").status == "open"

    Instrument.objects.filter(pk=instrument.pk).update(status=Instrument.Status.SETTLED)
    with pytest.raises(ValidationError) as refused:
        instrument_set_status(instrument=instrument, status="open")
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError):
        instrument_set_status(instrument=instrument, status="settled_by_hand")


@pytest.mark.django_db
def test_admin_lists_instruments_and_filters_by_kind(admin_client):
    upsert()
    url = reverse("admin:market_instrument_changelist")

    response = admin_client.get(url, {"kind__exact": "perpetual", "q": "TEST"})

    assert response.status_code == 200
    assert b"TEST-PERP" in response.content


@pytest.mark.django_db
def test_admin_halt_and_reopen_actions(admin_client):
    instrument = upsert()
    url = reverse("admin:market_instrument_changelist")

    response = admin_client.post(url, {"action": "halt", "_selected_action": [instrument.pk]})
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.status == Instrument.Status.HALTED

    admin_client.post(url, {"action": "reopen", "_selected_action": [instrument.pk]})
    instrument.refresh_from_db()
    assert instrument.status == Instrument.Status.OPEN


@pytest.mark.django_db
def test_admin_form_shows_the_model_validation_error(admin_client):
    instrument = upsert()
    url = reverse("admin:market_instrument_change", args=[instrument.pk])
    form = {
        **{name: str(value) for name, value in PERPETUAL.items()},
        **TIERS_MANAGEMENT_FORM,
        "quote_asset": "USD",
        "spread_rate": "0.0002",
        "depth_per_level": "2",
        "level_step_rate": "0.0005",
        "whale_notional": "250000",
        "maker_fee_rate": "0.0002",
        "taker_fee_rate": "0.0005",
        "maintenance_margin_rate": "0.05",
    }

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert b"Maintenance margin must be below initial margin" in response.content
    instrument.refresh_from_db()
    assert instrument.maintenance_margin_rate == Decimal("0.01")


@pytest.mark.django_db
def test_admin_form_saves_through_the_service(admin_client):
    instrument = upsert()
    url = reverse("admin:market_instrument_change", args=[instrument.pk])
    form = {
        **{name: str(value) for name, value in PERPETUAL.items()},
        **TIERS_MANAGEMENT_FORM,
        "quote_asset": "USD",
        "spread_rate": "0.0002",
        "depth_per_level": "2",
        "level_step_rate": "0.0005",
        "whale_notional": "250000",
        "maker_fee_rate": "0.0001",
        "taker_fee_rate": "0.0004",
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.taker_fee_rate == Decimal("0.0004")


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    User = get_user_model()

    call_command("seed_demo")
    counts = (User.objects.count(), Instrument.objects.count(), Account.objects.count())
    call_command("seed_demo")

    assert (User.objects.count(), Instrument.objects.count(), Account.objects.count()) == counts
    demo = User.objects.get(email="demo@shortbook.local")
    assert demo.check_password("shortbook-demo")
    assert demo.display_name == "Demo Trader"
    assert Account.objects.filter(user=demo, kind="paper").count() == 1
    admin = User.objects.get(email="admin@shortbook.local")
    assert admin.is_superuser and admin.is_staff
    assert set(Instrument.objects.values_list("symbol", flat=True)) >= {
        "BTC-USD", "ETH-USD", "BTC-PERP", "ETH-PERP", "BTC-CFD", "ETH-CFD",
    }  # fmt: skip


@pytest.mark.django_db
def test_seed_demo_leaves_staff_changes_alone():
    call_command("seed_demo")
    btc = Instrument.objects.get(symbol="BTC-PERP")
    instrument_upsert(symbol="BTC-PERP", max_leverage=Decimal("20"))
    instrument_set_status(instrument=btc, status=Instrument.Status.HALTED)

    call_command("seed_demo")

    btc.refresh_from_db()
    assert btc.max_leverage == Decimal("20")
    assert btc.status == Instrument.Status.HALTED
