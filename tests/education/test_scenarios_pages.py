"""Scenario and comparison pages: render for readers, start runs, keep runs private."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client

from education.models import Scenario, ScenarioRun
from education.services import scenarios as services
from tests.factories.market import btc_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def squeeze(db):
    return Scenario.objects.create(
        slug="page-squeeze",
        title="Page squeeze",
        summary="Twelve hours of April 2019.",
        interval="1h",
        start=datetime(2019, 4, 2, 0, tzinfo=UTC),
        end=datetime(2019, 4, 2, 11, tzinfo=UTC),
        default_speed=3600,
    )


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_anyone_reads_the_scenarios_and_their_details(client):
    index = client.get("/scenarios/")
    assert index.status_code == 200
    assert b"The December 2017 peak and the 2018 crash" in index.content
    detail = client.get("/scenarios/china-ico-ban-2017/")
    assert detail.status_code == 200
    assert b"CryptoDataDownload" in detail.content
    assert b"Log in" in detail.content
    assert client.get("/scenarios/nope/").status_code == 404


def test_starting_a_run_opens_its_page_and_the_result_after_the_end(browser, squeeze):
    response = browser.post("/scenarios/page-squeeze/start/", {"speed": "1800"})
    run = ScenarioRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"/scenarios/runs/{run.pk}/"
    page = browser.get(response.url)
    assert page.status_code == 200
    assert b"scenario-state" in page.content and b"Place order" in page.content
    assert browser.get(f"/scenarios/runs/{run.pk}/result/").url == f"/scenarios/runs/{run.pk}/"
    services.scenario_run_finish(run=run)
    assert browser.get(response.url).url == f"/scenarios/runs/{run.pk}/result/"
    result = browser.get(f"/scenarios/runs/{run.pk}/result/")
    assert b"A perfectly timed short" in result.content
    assert browser.get("/scenarios/").content.count(b"Result") >= 1


def test_a_bad_speed_is_a_message_not_an_error(browser, squeeze):
    response = browser.post("/scenarios/page-squeeze/start/", {"speed": "fast"}, follow=True)
    assert response.status_code == 200
    assert b"Pick a speed" in response.content
    response = browser.post("/scenarios/page-squeeze/start/", {"speed": "86400"}, follow=True)
    assert b"Pick one of these speeds" in response.content
    assert not ScenarioRun.objects.exists()


def test_another_users_run_pages_are_not_found(browser, other_user, squeeze, user):
    run = services.scenario_run_start(user=user, scenario=squeeze)
    other = Client()
    other.force_login(other_user)
    assert other.get(f"/scenarios/runs/{run.pk}/").status_code == 404
    assert other.get(f"/scenarios/runs/{run.pk}/result/").status_code == 404
    assert Client().get(f"/scenarios/runs/{run.pk}/").status_code == 302  # To log in.


def test_the_comparison_page_shows_four_methods_and_survives_bad_input(client):
    btc_market(price=Decimal(60000))
    page = client.get(
        "/guides/compare/", {"entry_price": "60000", "exit_price": "50000", "holding_days": "30"}
    )
    assert page.status_code == 200
    for label in (b"Margin short", b"Perpetual short", b"Buy a put", b"CFD short"):
        assert label in page.content
    bad = client.get("/guides/compare/", {"entry_price": "-5", "holding_days": "x"})
    assert bad.status_code == 200
    assert b"could not be used" in bad.content
