"""The side-by-side comparison: each breakdown adds up, and matches the cash it moves."""

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from education import comparison
from market.pricing.options import OptionKind, black_scholes
from tests.factories.market import btc_market
from tests.purity import called_names, imported_modules

PRICES = st.decimals(min_value=Decimal("100"), max_value=Decimal("200000"), places=2)
DAYS = st.decimals(min_value=Decimal(0), max_value=Decimal(120), places=1)
QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("50"), places=3)
RATES = st.decimals(min_value=Decimal("-0.003"), max_value=Decimal("0.003"), places=6)
CENT = Decimal("0.01")


def views():
    return st.builds(
        comparison.View,
        entry_price=PRICES,
        exit_price=PRICES,
        holding_days=DAYS,
        quantity=QUANTITIES,
    )


def terms(funding_rate=Decimal("0.0001"), expiry_days=Decimal(14), strike=Decimal(60000)):
    return {
        "margin": comparison.MarginTerms(Decimal("0.001"), Decimal("0.08"), Decimal("0.33")),
        "perpetual": comparison.PerpetualTerms(Decimal("0.0005"), funding_rate, 8, Decimal("0.02")),
        "cfd": comparison.CfdTerms(Decimal("0.0005"), Decimal("0.1"), Decimal(0), Decimal("0.5")),
        "put": comparison.PutTerms(Decimal("0.0003"), strike, expiry_days, Decimal("0.6")),
    }


def all_breakdowns(view, given_terms):
    return [
        comparison.margin_short(view, given_terms["margin"]),
        comparison.perpetual_short(view, given_terms["perpetual"]),
        comparison.long_put(view, given_terms["put"]),
        comparison.cfd_short(view, given_terms["cfd"]),
    ]


@settings(max_examples=150, deadline=None)
@given(views(), RATES, st.decimals(min_value=Decimal(1), max_value=Decimal(90), places=0), PRICES)
def test_every_breakdown_adds_up_to_its_total(view, funding_rate, expiry_days, strike):
    for breakdown in all_breakdowns(view, terms(funding_rate, expiry_days, strike)):
        legs = breakdown.legs()
        assert set(legs) == set(comparison.LEGS)
        assert sum(legs.values()) == breakdown.total
        assert all(value == value.quantize(CENT) for value in legs.values())


@settings(max_examples=150, deadline=None)
@given(views(), RATES)
def test_linear_shorts_total_is_the_cash_they_move(view, funding_rate):
    """Sell, buy back, pay fees and carry: the total is that cash, within the legs' rounding."""
    given_terms = terms(funding_rate)
    margin, perpetual, _, cfd = all_breakdowns(view, given_terms)
    move = view.quantity * (view.entry_price - view.exit_price)
    for breakdown, rate in ((margin, "0.001"), (perpetual, "0.0005"), (cfd, "0.0005")):
        fees = (view.entry_price + view.exit_price) * view.quantity * Decimal(rate)
        carry = breakdown.interest + breakdown.funding + breakdown.financing
        assert abs(breakdown.total - (move - fees + carry)) <= Decimal("0.02")
    # Only the carrying cost of its own kind.
    assert margin.funding == margin.financing == margin.premium == 0
    assert perpetual.interest == perpetual.financing == perpetual.premium == 0
    assert cfd.interest == cfd.funding == cfd.premium == 0
    assert margin.interest <= 0 and cfd.financing <= 0
    if funding_rate >= 0:
        assert perpetual.funding >= 0  # A positive rate: longs pay shorts.


@settings(max_examples=150, deadline=None)
@given(views(), st.decimals(min_value=Decimal(1), max_value=Decimal(90), places=0), PRICES)
def test_a_puts_total_is_what_it_sold_for_less_what_it_cost(view, expiry_days, strike):
    put_terms = terms(expiry_days=expiry_days, strike=strike)["put"]
    breakdown = comparison.long_put(view, put_terms)
    held = min(view.holding_days, expiry_days)
    spot = view.price_at(held / view.holding_days) if view.holding_days else view.exit_price
    paid = comparison.put_price(put_terms, spot=view.entry_price, days_left=expiry_days)
    received = comparison.put_price(put_terms, spot=spot, days_left=expiry_days - held)
    fees = paid * view.quantity * put_terms.taker_fee_rate
    if expiry_days > held:
        fees += received * view.quantity * put_terms.taker_fee_rate
    cash = view.quantity * (received - paid) - fees
    assert abs(breakdown.total - cash) <= Decimal("0.02")
    # A bought put never loses more than it cost.
    assert breakdown.total >= -breakdown.capital - CENT


def test_worked_example_against_the_engine():
    """Short 0.5 BTC from 60,000 to 50,000 over 30 days."""
    view = comparison.View(Decimal(60000), Decimal(50000), Decimal(30), Decimal("0.5"))
    margin, perpetual, put, cfd = all_breakdowns(
        view, terms(strike=Decimal(60000), expiry_days=Decimal(35))
    )
    assert margin.price_move == Decimal("5000.00")
    assert margin.fees == Decimal("-55.00")  # 0.1% of 30,000 and of 25,000.
    # 720 hours of 8% a year on half a BTC worth 55,000 on average: about $180.
    assert margin.interest == Decimal("-180.80")
    assert perpetual.funding == Decimal("247.25")  # 90 payments of 0.01% received.
    assert cfd.financing == Decimal("-225.34")  # 30 nights of 10% a year.
    premium = black_scholes(
        OptionKind.PUT,
        spot=Decimal(60000),
        strike=Decimal(60000),
        time_to_expiry=Decimal(35) / 365,
        volatility=Decimal("0.6"),
    ).price
    assert put.capital == (premium / 2 * Decimal("1.0003")).quantize(CENT)
    assert put.price_move == Decimal("5000.00")  # Intrinsic value at 50,000.
    assert put.premium < 0  # The time value bought and not recovered.


@pytest.mark.parametrize("name", ["comparison", "outcomes"])
def test_the_pure_modules_import_no_django_and_read_no_clock(name):
    path = Path(__file__).resolve().parents[2] / "education" / f"{name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = imported_modules(tree)
    assert not any(module.split(".")[0] in {"django", "config"} for module in modules)
    assert called_names(tree) & {"now", "utcnow", "today", "time", "open", "print"} == set()
    code = (
        f"import sys, education.{name}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'config'}))\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=path.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.django_db
def test_compare_api_uses_the_platforms_instruments(api_client):
    market = btc_market(price=Decimal(60000))
    response = api_client.get(
        "/api/v1/compare",
        {"entry_price": "60000", "exit_price": "54000", "holding_days": "10", "quantity": "1"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    methods = {m["method"]: m for m in body["methods"]}
    assert set(methods) == {"margin", "perpetual", "put", "cfd"}
    assert methods["margin"]["symbol"] == "BTC-USD"
    assert Decimal(methods["margin"]["terms"]["borrow_rate"]) == market["BTC-USD"].borrow_rate
    assert methods["perpetual"]["symbol"] == "BTC-PERP"
    assert methods["cfd"]["terms"]["financing_rate"] == "0.10000000"
    for method in methods.values():
        legs = [Decimal(method[leg]) for leg in comparison.LEGS]
        assert sum(legs) == Decimal(method["total"])
    assert Decimal(methods["margin"]["price_move"]) == Decimal("6000")
    by_notional = api_client.get(
        "/api/v1/compare",
        {"entry_price": "60000", "exit_price": "54000", "holding_days": "10", "notional": "30000",
         "funding_rate": "-0.0002"},
    )  # fmt: skip
    assert by_notional.status_code == 200
    perp = next(m for m in by_notional.json()["methods"] if m["method"] == "perpetual")
    assert Decimal(perp["funding"]) < 0  # Negative funding: shorts pay.
    assert Decimal(perp["price_move"]) == Decimal("3000")


def query(**fields):
    return {"entry_price": "9", "exit_price": "5", "holding_days": "1", "quantity": "1", **fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, field",
    [
        ({"exit_price": "5", "holding_days": "1", "quantity": "1"}, "entry_price"),
        (query(entry_price="-1"), "entry_price"),
        (query(entry_price="x"), "entry_price"),
        (query(holding_days="-1"), "holding_days"),
        ({"entry_price": "9", "exit_price": "5", "holding_days": "1"}, "quantity"),
        (query(notional="5"), "quantity"),
        (query(funding_rate="0.5"), "funding_rate"),
        (query(strike="0"), "strike"),
    ],
)
def test_compare_api_refuses_bad_input_with_a_400(api_client, params, field):
    response = api_client.get("/api/v1/compare", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
