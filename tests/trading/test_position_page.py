"""A position's page: its story, PnL breakdown, chart data and the replay of a liquidation."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from market.models import FundingRate
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import Order, Position
from trading.services.orders import OrderRequest
from trading.services.risk import account_liquidate

pytestmark = pytest.mark.django_db


def visible(html: str) -> str:
    """Text with each tag read as a space, as a reader sees cells apart."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def text_of(response) -> str:
    return visible(response.content.decode())


def part_of(response, testid: str) -> str:
    """The visible text of the element marked with ``data-testid``, up to its table or list end."""
    after = response.content.decode().split(f'data-testid="{testid}"')[1]
    return visible(re.split(r"</table>|</ol>", after)[0])


def chart_of(response) -> dict:
    match = re.search(
        r'<script id="position-chart-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "no chart data on the page"
    return json.loads(match.group(1))


def place(account, **fields):
    request = {"instrument": "BTC-PERP", "side": "sell", "type": "market"} | fields
    request["quantity"] = Decimal(request["quantity"])
    if "price" in request:
        request["price"] = Decimal(request["price"])
    return services.order_place(account=account, request=OrderRequest(**request))[0]


@pytest.fixture
def market():
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def short(market, account):
    """A short of 0.5 BTC-PERP at about 50,000, then the price falls to 48,000."""
    order = place(account, quantity="0.5")
    move("48000")
    return order


def test_anonymous_visitor_is_sent_to_log_in(client, short):
    url = reverse("position_detail", args=["BTC-PERP"])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_open_short_shows_side_prices_pnl_and_breakdown(signed_in, account, short):
    response = signed_in.get(reverse("position_detail", args=["BTC-PERP"]))

    assert response.status_code == 200
    text = text_of(response)
    position = Position.objects.get(account=account, instrument__symbol="BTC-PERP")
    view = selectors.position_view_get(account=account, instrument=position.instrument)
    assert "▼ Short" in text
    assert "0.500 BTC" in text  # the lot of 0.001
    assert f"{view.mark_price:,.1f}" in text  # the tick of 0.5
    assert view.unrealized_pnl > 0
    assert f"+{view.unrealized_pnl:,.2f} USD" in text
    assert f"{view.liquidation_price:,.1f}" in text
    breakdown = part_of(response, "pnl-breakdown")
    assert f"Price move realised 0.00, unrealised +{view.unrealized_pnl:,.2f}" in breakdown
    assert f"Trading fees -{position.fees_paid:,.2f}" in breakdown
    assert "Funding" in breakdown and "Borrow interest" not in breakdown
    total = view.unrealized_pnl - position.fees_paid
    assert f"Total +{total:,.2f} USD" in breakdown
    assert "/guides/perpetual-futures/" in response.content.decode()


def test_story_lists_fills_and_funding_oldest_first(signed_in, account, short, market):
    place(account, side="buy", quantity="0.2")  # take some profit
    rate = FundingRate.objects.create(
        instrument=market["BTC-PERP"],
        funding_time=timezone.now(),
        rate=Decimal("0.0001"),
        mark_price=Decimal("48000"),
        index_price=Decimal("48000"),
    )
    services.funding_apply(instrument=market["BTC-PERP"], funding_rate=rate)

    response = signed_in.get(reverse("position_detail", args=["BTC-PERP"]))

    story = part_of(response, "position-story")
    sold = story.index("Sold 0.500 at")
    bought = story.index("Bought 0.200 at")
    funding = story.index("Funding payment")
    assert sold < bought < funding
    assert "realised" in story[bought:funding]
    position = Position.objects.get(account=account, instrument=market["BTC-PERP"])
    assert position.funding_paid < 0  # a positive rate pays the short
    breakdown = part_of(response, "pnl-breakdown")
    assert f"longs pay shorts when positive {-position.funding_paid:+,.2f}" in breakdown


def test_chart_data_has_candles_fill_markers_entry_and_liquidation_lines(signed_in, account, short):
    chart = chart_of(signed_in.get(reverse("position_detail", args=["BTC-PERP"])))

    view = selectors.position_views(account=account)[0]
    assert chart["interval"] == "1m"
    assert chart["candles"] and {"time", "open", "high", "low", "close"} <= set(chart["candles"][0])
    assert [m["side"] for m in chart["markers"]] == ["sell"]
    assert chart["markers"][0]["text"] == "Sell 0.5"
    lines = {line["kind"]: Decimal(line["price"]) for line in chart["lines"]}
    assert lines == {"entry": view.position.entry_price, "liquidation": view.liquidation_price}


def test_live_partial_polls_while_visible(signed_in, short):
    response = signed_in.get(reverse("position_detail_live", args=["BTC-PERP"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "every 1s [document.visibilityState === 'visible']" in html
    assert 'data-testid="pnl-total"' in html


def test_another_users_position_is_not_found(client, other_user, short):
    client.force_login(other_user)

    for name in ("position_detail", "position_detail_live"):
        response = client.get(reverse(name, args=["BTC-PERP"]))
        assert response.status_code == 404
        assert "0.500" not in response.content.decode()


def test_unknown_instrument_or_never_traded_is_not_found(signed_in, short):
    assert signed_in.get(reverse("position_detail", args=["DOGE-PERP"])).status_code == 404
    assert signed_in.get(reverse("position_detail", args=["BTC-CFD"])).status_code == 404


def test_closed_position_keeps_its_story_and_realised_pnl(signed_in, account, short):
    place(account, side="buy", quantity="0.5")

    response = signed_in.get(reverse("position_detail", args=["BTC-PERP"]))

    assert response.status_code == 200
    text = text_of(response)
    position = Position.objects.get(account=account, instrument__symbol="BTC-PERP")
    assert position.quantity == 0 and position.realized_pnl > 0
    assert "Closed" in text
    assert f"realised +{position.realized_pnl:,.2f}" in text
    total = position.realized_pnl - position.fees_paid
    assert f"Total +{total:,.2f} USD" in text
    assert [line["kind"] for line in chart_of(response)["lines"]] == []


@pytest.fixture
def liquidated(market, account):
    """A 50x short of 40 BTC-PERP squeezed to its liquidation, with a resting order canceled."""
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(50))
    place(account, quantity="40")
    resting = place(account, side="buy", type="limit", quantity="1", price="40000")
    liquidation_price = selectors.margin_state(account=account).views[0].liquidation_price
    move(liquidation_price + 50)
    liquidation = account_liquidate(account=account)
    assert liquidation is not None
    return liquidation, resting


def test_liquidated_position_replays_what_happened_step_by_step(signed_in, liquidated):
    liquidation, resting = liquidated

    response = signed_in.get(reverse("position_detail", args=["BTC-PERP"]))

    assert response.status_code == 200
    html = response.content.decode()
    replay = part_of(response, "liquidation-replay")
    steps = [
        "The price moved against you.",
        "Equity fell to the maintenance margin.",
        "Open orders were cancelled.",
        "The position was closed at the market.",
        "The liquidation fee went to the insurance fund.",
    ]
    assert [replay.index(step) for step in steps] == sorted(replay.index(s) for s in steps)
    mark = Decimal(liquidation.marks["BTC-PERP"])
    assert f"marked at {mark:,.1f}" in replay
    assert f"{liquidation.equity:,.2f} USD" in replay
    assert f"{liquidation.maintenance_margin:,.2f} USD" in replay
    assert f"#{resting.pk} BTC-PERP: buy 1.000, limit at 40,000.0" in replay
    closing = liquidation.closing_orders.get()
    assert closing.status == Order.Status.FILLED
    assert f"Order #{closing.pk}, reduce-only: buy 40.000" in replay
    assert f"{liquidation.fee:,.2f} USD in all" in replay
    assert "▼ Short" not in text_of(response)  # the position is flat now
    assert f'href="#liquidation-{liquidation.pk}"' in html
    story = part_of(response, "position-story")
    short_order = Order.objects.exclude(pk=closing.pk).filter(type="market").get()
    fills = short_order.fills.count()
    assert fills > 1  # 40 BTC walked the outside liquidity level by level
    assert f"Sold 40.000 at an average {short_order.average_price:,.1f}" in story
    assert f"{fills} fills as it walked the book" in story
    assert f"order #{closing.pk}, market · liquidation" in story
    assert "/guides/leverage-and-liquidation/" in html
    breakdown = text_of(response).split("Profit and loss, by cause")[1]
    assert f"Liquidation fees to the insurance fund -{liquidation.fee:,.2f}" in breakdown


def test_liquidated_position_chart_marks_the_liquidation_price(signed_in, liquidated):
    liquidation, _ = liquidated

    chart = chart_of(signed_in.get(reverse("position_detail", args=["BTC-PERP"])))

    lines = {line["kind"]: Decimal(line["price"]) for line in chart["lines"]}
    assert lines["liquidation"] == Decimal(liquidation.marks["BTC-PERP"])
    assert lines["entry"] == Decimal(liquidation.positions[0]["entry_price"])
    sides = [m["side"] for m in chart["markers"]]
    assert sides == sorted(sides, reverse=True)  # the short's sells, then the closing buys
    assert set(sides) == {"sell", "buy"}


def test_bought_put_shows_premium_and_value_instead_of_price_move(signed_in, account, market):
    put = market["BTC-P50000"]
    place(account, instrument=put.symbol, side="buy", quantity="1")
    move("45000")

    response = signed_in.get(reverse("position_detail", args=[put.symbol]))

    assert response.status_code == 200
    text = text_of(response).split("Profit and loss, by cause")[1]
    position = Position.objects.get(account=account, instrument=put)
    view = selectors.position_view_get(account=account, instrument=put)
    assert "Price move" not in text.split("Total")[0]
    assert f"Premium paid for options bought {-position.premium_paid:,.2f}" in text
    assert f"Option value what the options are worth at the mark +{view.value:,.2f}" in text
    total = view.value - position.premium_paid - position.fees_paid
    assert abs(total - (view.unrealized_pnl - position.fees_paid)) < Decimal("0.01")
    assert f"Total {total:+,.2f} USD" in text
    assert "/guides/puts-and-calls/" in response.content.decode()
    assert timezone.now() < put.expiry < timezone.now() + timedelta(days=31)
