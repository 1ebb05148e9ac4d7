"""Forms of the settings pages; they validate input, the services decide."""

import zoneinfo
from functools import cache

from django import forms

from accounts.models import ApiKey
from config.forms import ServiceErrorsMixin


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(
        max_length=80,
        required=False,
        help_text="Shown instead of your email address.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Dates and times on Shortbook are shown in this time zone.",
    )

    @classmethod
    def for_user(cls, user) -> "ProfileForm":
        return cls(initial={"display_name": user.display_name, "time_zone": user.time_zone})


class ApiKeyCreateForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label="Key name",
        max_length=80,
        help_text="Something to recognise the key by, such as the bot that uses it.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Grid bot", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        choices=ApiKey.Scope.choices,
        initial=ApiKey.Scope.READ,
        widget=forms.RadioSelect,
        help_text="A read-only key can look at your account but cannot place orders.",
    )
