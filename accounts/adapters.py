from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from trading import services as trading_services


class AccountAdapter(DefaultAccountAdapter):
    """Open the new user's funded paper account in the signup's own transaction."""

    def save_user(self, request, user, form, commit=True):
        if not commit:
            return super().save_user(request, user, form, commit=False)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            trading_services.paper_account_open(user=user)
        return user
