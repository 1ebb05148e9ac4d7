"""Landing, allauth and settings pages, driven through Django's test client."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import strip_tags

from accounts.models import ApiKey
from tests.factories.accounts import api_key_issue

pytestmark = pytest.mark.django_db

FOOTER = "Nothing on Shortbook is financial advice."


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def assert_site_page(response):
    """The page is one of ours: our layout, stylesheet and footer, not allauth's bare HTML."""
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/css/app.css" in html
    assert 'class="topbar"' in html
    assert FOOTER in text_of(response)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


# Landing and layout


def test_landing_says_what_shortbook_is_and_leads_to_sign_up(client):
    response = client.get(reverse("landing"))

    assert_site_page(response)
    text = text_of(response)
    for words in (
        "short Bitcoin",
        "virtual money",
        "Margin borrowing",
        "Perpetual futures",
        "Dated futures",
        "CFDs",
        "Options",
        "Stop-loss",
        "Take-profit",
        "Liquidation",
    ):
        assert words in text
    html = response.content.decode()
    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{reverse("account_login")}"' in html
    # A demo without an account: the public market, trade and guide pages.
    for name, args in (("markets", []), ("trade", ["BTC-PERP"]), ("guide_index", [])):
        assert f'href="{reverse(name, args=args)}"' in html


def test_landing_sends_a_signed_in_user_to_the_dashboard(signed_in):
    response = signed_in.get(reverse("landing"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_admin_link_is_shown_to_staff_only(client, user, user_factory):
    admin_href = f'href="{reverse("admin:index")}"'
    client.force_login(user)
    assert admin_href not in client.get(reverse("dashboard")).content.decode()

    client.force_login(user_factory(is_staff=True))
    assert admin_href in client.get(reverse("dashboard")).content.decode()


def test_signed_in_top_bar_has_a_log_out_form_and_no_sign_up(signed_in):
    html = signed_in.get(reverse("settings")).content.decode()

    assert f'action="{reverse("account_logout")}"' in html
    assert f'href="{reverse("account_signup")}"' not in html


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert "/static/css/app.css" in response.content.decode()


# allauth pages


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign In"),
        ("account_signup", "Sign Up"),
        ("account_reset_password", "Password Reset"),
        ("account_reset_password_done", "Password Reset"),
        ("account_reset_password_from_key_done", "Change Password"),
        ("account_email_verification_sent", "Verify Your Email Address"),
        ("account_inactive", "Account Inactive"),
    ],
)
def test_entrance_pages_render_in_the_site_layout(client, url_name, heading):
    response = client.get(reverse(url_name))

    assert_site_page(response)
    assert heading in text_of(response)
    assert 'class="entrance-card"' in response.content.decode()


def test_bad_password_reset_key_page_renders(client, user):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})

    response = client.get(url, follow=True)

    assert_site_page(response)
    assert "Bad Token" in text_of(response)


def test_password_reset_link_from_the_email_renders_the_form(client, user, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[0].body)

    response = client.get(link.group(1), follow=True)

    assert_site_page(response)
    html = response.content.decode()
    assert 'name="password1"' in html
    assert 'name="password2"' in html


def test_email_confirmation_pages_render(client, user):
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key

    valid = client.get(reverse("account_confirm_email", kwargs={"key": key}))
    invalid = client.get(reverse("account_confirm_email", kwargs={"key": "not-a-key"}))

    assert_site_page(valid)
    assert "Confirm Email Address" in text_of(valid)
    assert user.email in text_of(valid)
    assert_site_page(invalid)
    assert "expired or is invalid" in text_of(invalid)


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_logout", "Sign Out"),
        ("account_change_password", "Change Password"),
        ("account_email", "Email Addresses"),
    ],
)
def test_account_management_pages_render_beside_the_settings_menu(signed_in, url_name, heading):
    response = signed_in.get(reverse(url_name))

    assert_site_page(response)
    assert heading in text_of(response)
    assert 'aria-label="Settings"' in response.content.decode()


def test_reauthenticate_page_renders_as_an_entrance_page(signed_in):
    response = signed_in.get(reverse("account_reauthenticate"))

    assert_site_page(response)
    assert "Confirm Access" in text_of(response)
    assert 'class="entrance-card"' in response.content.decode()


def test_login_errors_are_shown_on_the_form(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "wrong password"}
    )

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in text_of(response)
    assert 'role="alert"' in response.content.decode()


def test_signup_errors_are_shown_next_to_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "x", "password2": "y"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    email_input = re.search(r'<input[^>]*id="id_email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert "id_email_error" in email_input  # aria-describedby points at the error
    assert 'id="id_email_error"' in html
    assert not get_user_model().objects.filter(email="not-an-email").exists()


def test_signup_creates_the_user_and_the_funded_dashboard(client, password):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.trader@example.com", "password1": password, "password2": password},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert get_user_model().objects.filter(email="new.trader@example.com").exists()
    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 200
    assert "100,000.00" in text_of(dashboard)


def test_log_in_through_the_page_lands_on_the_dashboard(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


# Settings: access


@pytest.mark.parametrize("url_name", ["settings"])
def test_anonymous_visitor_is_sent_to_log_in(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_anonymous_posts_change_nothing(client, user):
    api_key = api_key_issue(user=user).api_key

    client.post(reverse("profile_update"), {"display_name": "Hacker", "time_zone": "UTC"})
    client.post(reverse("api_key_create"), {"name": "sneaky", "scope": "trade"})
    client.post(reverse("api_key_revoke", args=[api_key.pk]))

    user.refresh_from_db()
    api_key.refresh_from_db()
    assert user.display_name != "Hacker"
    assert ApiKey.objects.filter(user=user).count() == 1
    assert api_key.is_active


def test_settings_page_shows_the_three_sections(signed_in, user):
    response = signed_in.get(reverse("settings"))

    assert_site_page(response)
    text = text_of(response)
    assert "Profile" in text
    assert "API keys" in text
    assert "Reset paper account" in text
    assert user.email in text
    html = response.content.decode()
    assert f'action="{reverse("account_reset")}"' in html
    assert '<option value="Europe/Paris">Europe/Paris</option>' in html
    zones = re.findall(r'<option value="([^"]+)"', html)
    assert zones == sorted(zones)


# Settings: profile


def test_profile_update_saves_name_and_time_zone(signed_in, user):
    response = signed_in.post(
        reverse("profile_update"), {"display_name": "  Ada  ", "time_zone": "Europe/Paris"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("settings")
    user.refresh_from_db()
    assert user.display_name == "Ada"
    assert user.time_zone == "Europe/Paris"
    page = signed_in.get(response["Location"])
    assert "Your profile is saved." in text_of(page)
    assert '<option value="Europe/Paris" selected>' in page.content.decode()


def test_profile_update_with_a_bad_time_zone_is_a_form_error(signed_in, user):
    before = (user.display_name, user.time_zone)

    response = signed_in.post(
        reverse("profile_update"), {"display_name": "Changed", "time_zone": "Mars/Olympus_Mons"}
    )

    assert response.status_code == 200
    errors = response.context["profile_form"].errors
    assert list(errors) == ["time_zone"]
    assert "Select a valid choice" in errors["time_zone"][0]
    html = response.content.decode()
    assert 'id="id_time_zone_error"' in html
    assert "Select a valid choice" in text_of(response)
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == before


def test_profile_update_refused_by_the_model_is_a_form_error(signed_in, user, monkeypatch):
    from accounts.forms import ProfileForm

    # A zone the form offers but the model rejects: the service's refusal is shown.
    field = ProfileForm.base_fields["time_zone"]
    monkeypatch.setattr(field, "choices", [("Nowhere/Land", "Nowhere/Land")])

    response = signed_in.post(
        reverse("profile_update"), {"display_name": "Changed", "time_zone": "Nowhere/Land"}
    )

    assert response.status_code == 200
    assert (
        "Nowhere/Land is not a known time zone."
        in response.context["profile_form"].errors["time_zone"]
    )
    user.refresh_from_db()
    assert user.time_zone == "UTC"
    assert user.display_name != "Changed"


# Settings: API keys


def test_api_key_create_shows_the_secret_once(signed_in, user):
    response = signed_in.post(reverse("api_key_create"), {"name": "Grid bot", "scope": "trade"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get(user=user)
    assert (api_key.name, api_key.scope) == ("Grid bot", ApiKey.Scope.TRADE)
    secret = response.context["issued_key"].key
    assert secret.startswith(f"sb_{api_key.prefix}_")
    assert secret in response.content.decode()
    assert "Copy it now, it will not be shown again." in text_of(response)
    assert secret not in str(dict(signed_in.session.items()))

    later = signed_in.get(reverse("settings"))
    assert later.status_code == 200
    assert secret not in later.content.decode()
    # The secret itself may contain "_": cut the public part off by its length.
    assert secret[len(f"sb_{api_key.prefix}_") :][:10] not in later.content.decode()
    text = text_of(later)
    assert "Grid bot" in text
    assert f"sb_{api_key.prefix}_" in text
    assert "Read and trade" in text
    assert "Never" in text
    assert "Active" in text


def test_api_key_create_without_a_name_is_a_form_error(signed_in, user):
    response = signed_in.post(reverse("api_key_create"), {"name": "   ", "scope": "read"})

    assert response.status_code == 200
    assert response.context["api_key_form"].errors["name"] == ["This field is required."]
    assert not ApiKey.objects.filter(user=user).exists()


def test_api_key_create_with_an_unknown_scope_is_a_form_error(signed_in, user):
    response = signed_in.post(reverse("api_key_create"), {"name": "bot", "scope": "admin"})

    assert "scope" in response.context["api_key_form"].errors
    assert not ApiKey.objects.filter(user=user).exists()


def test_settings_lists_only_the_users_own_keys(signed_in, user, other_user):
    api_key_issue(user=user, name="mine")
    api_key_issue(user=other_user, name="someone else's")

    text = text_of(signed_in.get(reverse("settings")))

    assert "mine" in text
    assert "someone else" not in text


def test_revoke_own_key(signed_in, user):
    api_key = api_key_issue(user=user, name="old bot").api_key

    response = signed_in.post(reverse("api_key_revoke", args=[api_key.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("settings")
    api_key.refresh_from_db()
    assert not api_key.is_active
    page = text_of(signed_in.get(reverse("settings")))
    assert "API key “old bot” revoked." in page
    assert "Revoked" in page


def test_revoking_another_users_key_is_404_and_keeps_it_active(signed_in, other_user):
    api_key = api_key_issue(user=other_user).api_key

    response = signed_in.post(reverse("api_key_revoke", args=[api_key.pk]))

    assert response.status_code == 404
    api_key.refresh_from_db()
    assert api_key.is_active


def test_revoke_needs_a_post(signed_in, user):
    api_key = api_key_issue(user=user).api_key

    response = signed_in.get(reverse("api_key_revoke", args=[api_key.pk]))

    assert response.status_code == 405
    api_key.refresh_from_db()
    assert api_key.is_active


def test_revoke_is_protected_by_csrf(client, user):
    from django.test import Client

    api_key = api_key_issue(user=user).api_key
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post(reverse("api_key_revoke", args=[api_key.pk]))

    assert response.status_code == 403
    api_key.refresh_from_db()
    assert api_key.is_active
