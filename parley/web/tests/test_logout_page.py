"""The layout's "Log out" is a link to a page that asks; only that page (and pages with
forms of their own) carries a CSRF token, so an ordinary page costs no token masking and
sets no CSRF cookie (bench/README.md)."""

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def member_user_browser(make_user):
    """A client that checks CSRF as a browser's requests are checked."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user(email="member@example.com"))
    return browser


def test_an_ordinary_page_has_a_logout_link_and_no_csrf_token(member_client):
    response = member_client.get("/account/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/accounts/logout/">Log out</a>' in html
    assert "csrfmiddlewaretoken" not in html
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_the_logout_page_asks_first_and_keeps_the_person_signed_in(member_client):
    response = member_client.get("/accounts/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Log out of" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert member_client.get("/account/").status_code == 200  # a GET logs nobody out


def test_confirming_logs_out(member_user_browser):
    browser = member_user_browser
    page = browser.get("/accounts/logout/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert browser.get("/account/").status_code == 302  # signed out


def test_a_forged_logout_without_the_token_is_refused(member_user_browser):
    browser = member_user_browser
    assert browser.post("/accounts/logout/").status_code == 403
    assert browser.get("/account/").status_code == 200  # still signed in


def test_the_chat_page_keeps_its_token_for_its_script(member_client):
    # chat.js and sidebar.js read the token from the page's own forms.
    html = member_client.get("/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
