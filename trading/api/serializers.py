from rest_framework import serializers

from trading.models import JournalEntry


class AccountOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="account_id")
    currency = serializers.CharField()
    cash = serializers.DecimalField(max_digits=28, decimal_places=8)
    equity = serializers.DecimalField(max_digits=28, decimal_places=8)
    margin_used = serializers.DecimalField(max_digits=28, decimal_places=8)
    available = serializers.DecimalField(max_digits=28, decimal_places=8)


class LedgerLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    kind = serializers.ChoiceField(source="entry.kind", choices=JournalEntry.Kind.choices)
    memo = serializers.CharField(source="entry.memo")
    asset = serializers.CharField()
    amount = serializers.DecimalField(max_digits=28, decimal_places=8)
    created_at = serializers.DateTimeField(source="entry.created_at")


class LedgerFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, required=False)
    asset = serializers.CharField(max_length=12, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


class AccountResetInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="Must be true: the reset cancels open orders, closes positions and "
        "restores the starting balance."
    )

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError("Set confirm to true to reset the account.")
        return value
