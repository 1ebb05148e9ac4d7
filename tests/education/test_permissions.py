"""The default trading permissions: high leverage and option selling wait for a passed quiz."""

from decimal import Decimal

import pytest

from education.models import TradingPermissionRule
from education.selectors import guide_get, quiz_for_guide, trading_permission_notes
from education.services import guides_seed, quiz_submit
from education.services.guides import CONTENT_DIR, InvalidContent
from tests.education.conftest import right_answers
from tests.factories.market import btc_market

pytestmark = pytest.mark.django_db

LEVERAGE_QUIZ_URL = "/guides/leverage-and-liquidation/#quiz"
OPTIONS_QUIZ_URL = "/guides/puts-and-calls/#quiz"


@pytest.fixture
def market(course):
    return btc_market()


def leverage_quiz():
    return quiz_for_guide(guide=guide_get(slug="leverage-and-liquidation"))


def test_seeding_the_course_sets_the_default_rules(course):
    rules = {rule.instrument_kind: rule for rule in TradingPermissionRule.objects.all()}

    assert set(rules) == {"perpetual", "future", "cfd", "option"}
    for kind in ("perpetual", "future", "cfd"):
        assert rules[kind].leverage_above == Decimal(10)
        assert rules[kind].leverage_quiz.guide.slug == "leverage-and-liquidation"
        assert rules[kind].sell_options_quiz is None
    assert rules["option"].leverage_above is None
    assert rules["option"].sell_options_quiz.guide.slug == "puts-and-calls"


def test_seeding_again_keeps_staffs_rules_and_restores_only_missing_ones(course):
    perpetual = TradingPermissionRule.objects.get(instrument_kind="perpetual")
    perpetual.leverage_above = Decimal(25)
    perpetual.save()
    lifted = TradingPermissionRule.objects.get(instrument_kind="cfd")
    lifted.leverage_above = lifted.leverage_quiz = None
    lifted.save()
    TradingPermissionRule.objects.filter(instrument_kind="future").delete()

    report = guides_seed()

    assert report.lines == ["Created trading permission rule for Dated future"]
    assert TradingPermissionRule.objects.get(instrument_kind="perpetual").leverage_above == 25
    assert TradingPermissionRule.objects.get(instrument_kind="cfd").leverage_above is None
    assert TradingPermissionRule.objects.get(instrument_kind="future").leverage_above == 10
    assert guides_seed().lines == []


def test_a_broken_rules_file_is_refused(tmp_path):
    content = tmp_path / "content"
    (content / "guides").mkdir(parents=True)
    for name in ("path.toml", "glossary.toml"):
        (content / name).write_text((CONTENT_DIR / name).read_text())
    for file in (CONTENT_DIR / "guides").glob("*.md"):
        (content / "guides" / file.name).write_text(file.read_text())
    broken = {
        'instrument_kind = "spot"\nsell_options_quiz = "puts-and-calls"': "only options",
        'instrument_kind = "perpetual"\nleverage_above = "10"': "together",
        'instrument_kind = "perpetual"\nleverage_above = "0.5"\nleverage_quiz = "cfds"': "least 1",
        'instrument_kind = "perpetual"\nleverage_above = "5"\nleverage_quiz = "nope"': "no guide",
        'instrument_kind = "swap"': "instrument_kind",
    }
    for rule, words in broken.items():
        (content / "permissions.toml").write_text(f"[[rule]]\n{rule}\n")
        with pytest.raises(InvalidContent) as refused:
            guides_seed(content_dir=content)
        assert words in str(refused.value)
    assert not TradingPermissionRule.objects.exists()


def test_high_leverage_is_refused_with_a_link_to_the_quiz_until_it_is_passed(
    user, user_client, market
):
    refused = user_client.post(
        "/api/v1/positions/BTC-PERP/leverage", {"leverage": "20"}, format="json"
    )
    assert refused.status_code in (400, 403, 409)
    error = refused.json()["error"]
    assert error["code"] == "permission_required"
    assert "Leverage above 10x" in error["message"]
    assert LEVERAGE_QUIZ_URL in error["message"]
    assert error["fields"]["leverage"]
    # The default leverage, 10x, stays open: the try-it tickets trade at it.
    placed = user_client.post(
        "/api/v1/orders",
        {"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": "0.1"},
        format="json",
    )
    assert placed.status_code == 201, placed.content

    quiz_submit(user=user, quiz=leverage_quiz(), answers=right_answers(leverage_quiz()))
    allowed = user_client.post(
        "/api/v1/positions/BTC-PERP/leverage", {"leverage": "20"}, format="json"
    )
    assert allowed.status_code == 200, allowed.content


def test_selling_an_option_is_refused_with_a_link_but_buying_one_is_not(user_client, market):
    order = {"instrument": "BTC-P50000", "type": "market", "quantity": "0.1"}
    refused = user_client.post("/api/v1/orders", {**order, "side": "sell"}, format="json")
    assert refused.status_code in (400, 403, 409)
    error = refused.json()["error"]
    assert error["code"] == "permission_required"
    assert OPTIONS_QUIZ_URL in error["message"]
    bought = user_client.post("/api/v1/orders", {**order, "side": "buy"}, format="json")
    assert bought.status_code == 201, bought.content


def test_the_trade_page_shows_the_quiz_to_pass_beside_the_ticket(user, client, market):
    client.force_login(user)
    page = client.get("/trade/BTC-PERP/").content.decode()
    assert 'data-testid="permission-notes"' in page
    assert "Leverage above 10x is yours once you pass the quiz of" in page
    assert f'<a href="{LEVERAGE_QUIZ_URL}">Leverage, margin and liquidation</a>' in page
    option_page = client.get("/trade/BTC-P50000/").content.decode()
    assert OPTIONS_QUIZ_URL in option_page
    assert "Selling (writing) options" in option_page
    # Spot on margin has no rule.
    assert 'data-testid="permission-notes"' not in client.get("/trade/BTC-USD/").content.decode()

    quiz_submit(user=user, quiz=leverage_quiz(), answers=right_answers(leverage_quiz()))
    assert trading_permission_notes(user=user, instrument=market["BTC-PERP"]) == []
    page = client.get("/trade/BTC-PERP/").content.decode()
    assert 'data-testid="permission-notes"' not in page
