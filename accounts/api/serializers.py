"""Input and output shapes of the accounts API: API keys and the profile."""

from rest_framework import serializers

from accounts.models import ApiKey, User, validate_time_zone
from accounts.services import IssuedApiKey


class ApiKeyOutputSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "created_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields


class ApiKeyCreatedOutputSerializer(ApiKeyOutputSerializer):
    """A new key with the only copy of its whole secret."""

    key = serializers.CharField(
        read_only=True,
        help_text="The whole key, sent as `Authorization: Api-Key <key>`. Shown only in this "
        "response; Shortbook stores a digest and cannot show it again.",
    )

    class Meta(ApiKeyOutputSerializer.Meta):
        fields = [*ApiKeyOutputSerializer.Meta.fields, "key"]
        read_only_fields = fields

    def to_representation(self, instance: IssuedApiKey) -> dict:
        # The secret lives on the IssuedApiKey, not on the stored row.
        data = ApiKeyOutputSerializer(instance.api_key, context=self.context).data
        return {**data, "key": instance.key}


class ApiKeyCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=80)
    scope = serializers.ChoiceField(
        choices=ApiKey.Scope.choices,
        help_text="`read` may only read; `trade` may also place and cancel orders.",
    )


class ProfileOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "display_name", "time_zone"]
        read_only_fields = fields


class ProfileUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, allow_blank=True, required=False)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        help_text="An IANA time zone such as `Europe/Berlin`.",
    )
