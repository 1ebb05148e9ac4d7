"""The staff health page: ticks, risk checks, queues, schedules and accounts at risk."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories.market import btc_market, move
from tests.trading.test_tasks import place
from trading import selectors, services, tasks

pytestmark = pytest.mark.django_db

URL = "/staff/health/"


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def staff_client(user_factory):
    client = Client()
    client.force_login(user_factory(is_staff=True))
    return client


def test_only_staff_see_it(client, user, market):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_it_shows_each_instruments_tick_and_how_far_the_checks_followed(staff_client, market, user):
    account = selectors.paper_account_for_user(user=user)
    place(account, quantity="0.1")
    perp = market["BTC-PERP"]
    move("50100")
    perp.underlying.refresh_from_db()
    sequence = perp.underlying.tick_sequence
    tasks.instrument_risk.apply(kwargs={"instrument_id": perp.pk, "sequence": sequence})
    move("50200")  # A tick the checks have not followed yet.

    response = staff_client.get(URL)

    assert response.status_code == 200
    rows = {row.symbol: row for row in response.context["instruments"]}
    assert rows["BTC-PERP"].handled_sequence == sequence
    assert rows["BTC-PERP"].ticks_behind == 1
    assert rows["BTC-PERP"].at_risk is True
    assert rows["BTC-USD"].at_risk is False
    assert rows["BTC-USD"].handled_sequence is None
    html = response.content.decode()
    assert re.search(
        r'data-symbol="BTC-PERP">\s*<td>BTC-PERP</td>\s*<td[^>]*>' + str(sequence + 1), html
    )


def test_it_shows_queue_depths_from_the_broker(staff_client, market, settings):
    from config.celery import app

    for queue in ["celery", *settings.RISK_QUEUES]:
        with app.connection_for_write() as connection:
            connection.default_channel.client.delete(queue)
    tasks.instrument_risk.apply_async(kwargs={"instrument_id": market["BTC-PERP"].pk})

    response = staff_client.get(URL)

    queues = response.context["queues"]
    assert queues[tasks.risk_queue(market["BTC-PERP"].pk)] == 1
    assert f'data-queue="{tasks.risk_queue(market["BTC-PERP"].pk)}"' in response.content.decode()
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete(tasks.risk_queue(market["BTC-PERP"].pk))


def test_it_shows_the_last_run_of_each_schedule_and_the_ledger_audit(staff_client, market):
    before = {s.name: s for s in staff_client.get(URL).context["schedules"]}
    assert before["ledger-audit"].last_run_at is None

    tasks.ledger_audit.apply()
    tasks.risk_sweep.apply()

    response = staff_client.get(URL)
    after = {s.name: s for s in response.context["schedules"]}
    assert after["ledger-audit"].last_run_at is not None
    assert after["ledger-audit"].state == "SUCCESS"
    assert after["ledger-audit"].result == 0
    assert after["trading-risk-sweep"].last_run_at is not None
    assert after["trading-funding-apply"].last_run_at is None
    assert "found no problem" in response.content.decode()


def test_it_lists_the_accounts_near_liquidation(staff_client, market, user_factory):
    risky = selectors.paper_account_for_user(user=user_factory())
    safe = selectors.paper_account_for_user(user=user_factory())
    services.leverage_set(account=risky, instrument=market["BTC-PERP"], leverage=Decimal(50))
    place(risky, quantity="40")
    place(safe, quantity="0.1")
    liquidation_price = selectors.margin_state(account=risky).views[0].liquidation_price
    move(liquidation_price - 150)

    response = staff_client.get(URL)

    listed = [valuation.account_id for valuation, _ in response.context["near_liquidation"]]
    assert listed == [risky.pk]
    _, level = response.context["near_liquidation"][0]
    assert level == selectors.margin_state(account=risky).margin_level
    assert f'data-account="{risky.pk}"' in response.content.decode()


def test_staff_see_the_link_in_the_navigation(staff_client, client, user, market):
    assert f'href="{URL}"' in staff_client.get("/dashboard/").content.decode()
    client.force_login(user)
    assert f'href="{URL}"' not in client.get("/dashboard/").content.decode()
