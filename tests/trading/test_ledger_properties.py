"""Random sequences of grants, transfers and resets never break the ledger."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories.accounts import UserFactory
from trading import selectors, services
from trading.errors import InsufficientFunds
from trading.models import Account, JournalLine

USERS = 3
amounts = st.decimals(
    min_value=Decimal("-150000"),
    max_value=Decimal("150000"),
    places=8,
    allow_nan=False,
    allow_infinity=False,
).filter(lambda amount: amount != 0)
grant = st.tuples(st.just("grant"), st.integers(0, USERS - 1), amounts)
transfer = st.tuples(
    st.just("transfer"), st.integers(0, USERS - 1), st.integers(0, USERS - 1), amounts.map(abs)
)
reset = st.tuples(st.just("reset"), st.integers(0, USERS - 1))
operations = st.lists(st.one_of(grant, transfer, reset), max_size=25)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=operations)
def test_ledger_balances_under_any_sequence(operations):
    with transaction.atomic():
        accounts = [selectors.paper_account_for_user(user=UserFactory()) for _ in range(USERS)]
        start = django_settings.SHORTBOOK_STARTING_BALANCE
        expected = [start] * USERS

        for operation in operations:
            match operation:
                case ("grant", i, amount):
                    if expected[i] + amount < 0:
                        with pytest.raises(InsufficientFunds):
                            services.funds_grant(
                                account=accounts[i], amount=amount, reason="p", granted_by=None
                            )
                    else:
                        services.funds_grant(
                            account=accounts[i], amount=amount, reason="p", granted_by=None
                        )
                        expected[i] += amount
                case ("transfer", i, j, amount) if i != j:
                    if expected[i] < amount:
                        with pytest.raises(InsufficientFunds):
                            services.funds_transfer(
                                source=accounts[i], destination=accounts[j], amount=amount
                            )
                    else:
                        services.funds_transfer(
                            source=accounts[i], destination=accounts[j], amount=amount
                        )
                        expected[i] -= amount
                        expected[j] += amount
                case ("reset", i):
                    services.account_reset(account=accounts[i])
                    expected[i] = start

        assert [selectors.account_cash(account=a) for a in accounts] == expected
        assert all(balance >= 0 for balance in expected)
        assert selectors.ledger_problems() == []
        total = sum(JournalLine.objects.values_list("amount", flat=True), Decimal(0))
        assert total == 0
        equity = Account.objects.get(system_code=Account.SystemCode.EQUITY)
        assert -selectors.account_cash(account=equity) == sum(expected)
        transaction.set_rollback(True)
