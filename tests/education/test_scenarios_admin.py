"""Staff make scenarios from any stretch of the history in the admin; the data is checked."""

import pytest

from education.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, user_factory):
    staff = user_factory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


def form(**fields):
    return {
        "title": "Covid crash",
        "slug": "covid-crash",
        "summary": "March 2020.",
        "lesson": "",
        "is_published": "on",
        "position": "60",
        "interval": "1h",
        "start_0": "2020-03-05",
        "start_1": "00:00:00",
        "end_0": "2020-03-20",
        "end_1": "00:00:00",
        "default_speed": "3600",
        "starting_balance": "100000",
        **fields,
    }


def test_staff_create_a_scenario_from_the_history(staff_client):
    response = staff_client.post("/admin/education/scenario/add/", form())
    assert response.status_code == 302, response.content
    scenario = Scenario.objects.get(slug="covid-crash")
    assert scenario.interval == "1h"


def test_the_admin_refuses_a_stretch_outside_the_data(staff_client):
    response = staff_client.post(
        "/admin/education/scenario/add/", form(start_0="2023-01-01", end_0="2023-02-01")
    )
    assert response.status_code == 200
    assert b"pick a stretch inside it" in response.content
    assert not Scenario.objects.filter(slug="covid-crash").exists()
