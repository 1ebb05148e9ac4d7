"""Forms of the trading pages; they validate input, the services decide."""

from django import forms
from django.conf import settings
from django.utils.formats import number_format

from config.forms import ServiceErrorsMixin


def starting_balance_display() -> str:
    """The starting balance as people read it, such as "100,000 USD"."""
    amount = number_format(settings.SHORTBOOK_STARTING_BALANCE, 0, force_grouping=True)
    return f"{amount} {settings.SHORTBOOK_CURRENCY}"


class AccountResetForm(ServiceErrorsMixin, forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm the reset; nothing was changed."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = (
            "I understand my open orders will be cancelled, positions closed and my balance "
            f"restored to {starting_balance_display()}"
        )
