"""Only admins reach the External Authentication pages, and their forms need a CSRF token."""

import pytest
from django.urls import reverse

from parley.external_auth import services
from parley.external_auth.models import JwtSecret, JwtSettings

PAGES = ["adminpanel:jwt", "adminpanel:tester", "adminpanel:integration"]
ACTIONS = [
    ("adminpanel:jwt_switch", {}),
    ("adminpanel:jwt_reveal", {}),
    ("adminpanel:jwt_rotate", {}),
    ("adminpanel:jwt_paste_secret", {}),
    ("adminpanel:jwt_revoke_previous", {}),
    ("adminpanel:jwt_add_key", {}),
    ("adminpanel:jwt_remove_key", {"key_id": 1}),
    ("adminpanel:jwt_policy", {}),
    ("adminpanel:tester", {}),
    ("adminpanel:integration_login_link", {}),
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "kwargs"), ACTIONS)
def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, db, name, kwargs):
    response = client.post(reverse(name, kwargs=kwargs), {"enabled": "on", "grace": "0"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not JwtSecret.objects.exists()


@pytest.mark.parametrize("name", PAGES)
def test_member_gets_the_403_page(member_client, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 403
    assert b"Not allowed" in response.content


@pytest.mark.parametrize(("name", "kwargs"), ACTIONS)
def test_member_cannot_post_any_jwt_action(member_client, name, kwargs):
    response = member_client.post(reverse(name, kwargs=kwargs), {"enabled": "on", "grace": "0"})
    assert response.status_code == 403
    assert not JwtSecret.objects.exists()
    assert not JwtSettings.objects.filter(enabled=True).exists()


def test_admin_sees_each_page_in_the_panel_with_its_section_highlighted(admin_client):
    expectations = {
        "adminpanel:jwt": "User Authentication",
        "adminpanel:tester": "Token tester",
        "adminpanel:integration": "Integration",
    }
    for name, nav_label in expectations.items():
        response = admin_client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f'class="active" aria-current="page">{nav_label}</a>' in html
        assert "no-store" in response["Cache-Control"]


def test_sidenav_lists_the_token_tester_and_integration_pages(admin_client):
    html = admin_client.get(reverse("adminpanel:users")).content.decode()
    assert f'href="{reverse("adminpanel:tester")}"' in html
    assert f'href="{reverse("adminpanel:integration")}"' in html


def test_authentication_page_links_to_the_jwt_settings(admin_client):
    html = admin_client.get(reverse("adminpanel:authentication")).content.decode()
    assert "External Authentication (JWT)" in html
    assert f'href="{reverse("adminpanel:jwt")}"' in html


def test_actions_refuse_get(admin_client):
    for name, kwargs in ACTIONS:
        if name in ("adminpanel:tester", "adminpanel:jwt_switch"):  # the switch: a redirect
            continue
        assert admin_client.get(reverse(name, kwargs=kwargs)).status_code == 405, name


def test_a_forged_switch_on_is_refused(strict_admin_client):
    response = strict_admin_client.post(reverse("adminpanel:jwt_switch"), {"enabled": "on"})
    assert response.status_code == 403
    assert not JwtSecret.objects.exists()
    assert not services.get_jwt_settings().enabled


def test_a_forged_reveal_shows_no_secret(strict_admin_client):
    secret = services.enable_jwt()
    response = strict_admin_client.post(reverse("adminpanel:jwt_reveal"))
    assert response.status_code == 403
    assert secret not in response.content.decode()


def test_the_switch_with_its_token_goes_through(strict_admin_client):
    strict_admin_client.get(reverse("adminpanel:jwt"))
    token = strict_admin_client.cookies["csrftoken"].value
    response = strict_admin_client.post(
        reverse("adminpanel:jwt_switch"), {"enabled": "on", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert services.get_jwt_settings().enabled


def test_pages_showing_a_secret_keep_their_forms_working(admin_client):
    # "Referrer-Policy: no-referrer" would make browsers send "Origin: null" with the page's
    # form posts, which Django's CSRF check refuses; nothing secret is in these URLs anyway.
    response = admin_client.post(reverse("adminpanel:jwt_switch"), {"enabled": "on"}, follow=True)
    assert response.get("Referrer-Policy", "same-origin") != "no-referrer"
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
