"""A URL code for someone other than the person signed in asks before switching (DESIGN §4.4):
a page read from one's own widget tag must not silently move a victim into the attacker's
account."""

import re
from html import unescape

import pytest
from django.test import Client

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.external_auth import services
from parley.external_auth.models import UsedJti

SWITCH = "/auth/switch-account/"


@pytest.fixture
def alice(make_user):
    return make_user(email="alice@example.com", public_id="alice-1")


@pytest.fixture
def mallory(make_user):
    return make_user(email="mallory@example.com", public_id="mallory-9", created_via="jwt")


@pytest.fixture
def browser(db):
    """A client that checks CSRF tokens as a browser's requests are checked.

    The confirmation is posted with "Origin: null", as browsers post from a no-referrer
    page."""
    return Client(enforce_csrf_checks=True)


def visit(client, token, path="/c/x/?tab=2&"):
    return client.get(f"{path}externalAuthCode={token}")


def signed_in(client):
    return client.session.get("_auth_user_id")


def form_fields(response) -> dict[str, str]:
    html = response.content.decode()
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


def urls_in(response) -> list[str]:
    html = response.content.decode()
    return [unescape(u) for u in re.findall(r'(?:href|action|src)="([^"]*)"', html)] + [
        response.get("Location", "")
    ]


def test_a_code_for_someone_else_asks_first_and_changes_nothing(browser, mint, alice, mallory):
    services.update_policy(one_time_jti=True)
    browser.force_login(alice)
    events = AuthEvent.objects.count()
    token = mint({"id": "mallory-9", "jti": "once"})
    response = visit(browser, token)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    text = unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    assert "You are signed in as alice@example.com (user ID alice-1)." in text
    assert "Continue as mallory@example.com (user ID mallory-9)?" in text
    assert not any(token in url for url in urls_in(response))
    assert "/c/x/?tab=2" in urls_in(response)  # stay as Alice: the page without the code
    assert signed_in(browser) == str(alice.pk)
    assert AuthEvent.objects.count() == events  # not a login, not a failure
    assert not UsedJti.objects.exists()  # the code is not used up by asking


def test_a_code_that_would_create_an_account_says_so_and_creates_nothing(browser, mint, alice):
    browser.force_login(alice)
    response = visit(browser, mint({"user": {"id": "new-5", "email": "n@example.com"}}))
    assert response.status_code == 200
    assert "a new account for user ID new-5, email n@example.com" in response.content.decode()
    assert not User.objects.filter(public_id="new-5").exists()
    assert signed_in(browser) == str(alice.pk)


@pytest.mark.parametrize("forge", ["missing", "blank", "other-session"])
def test_a_confirmation_without_this_pages_token_is_refused(
    browser, make_user, mint, alice, mallory, forge
):
    """What another site could post: no token, or the token its owner got in their own
    session (that page is theirs to read)."""
    token = mint({"id": "mallory-9"})
    attacker = Client(enforce_csrf_checks=True)
    attacker.force_login(make_user(email="eve@example.com"))
    fields = form_fields(visit(attacker, token))
    if forge == "missing":
        del fields["confirmation"]
    elif forge == "blank":
        fields["confirmation"] = ""
    browser.force_login(alice)
    response = browser.post(SWITCH, fields, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "did not come from the page Parley showed you" in response.content.decode()
    assert signed_in(browser) == str(alice.pk)
    assert not AuthEvent.objects.filter(public_user_id="mallory-9").exists()


def test_confirming_switches_to_the_codes_user_and_the_audit_records_it(
    browser, mint, alice, mallory
):
    services.update_policy(one_time_jti=True)
    browser.force_login(alice)
    fields = form_fields(visit(browser, mint({"id": "mallory-9", "jti": "j-1"})))
    response = browser.post(SWITCH, fields, HTTP_ORIGIN="null")
    assert response.status_code == 303
    assert response["Location"] == "/c/x/?tab=2"
    assert "no-store" in response["Cache-Control"]
    assert signed_in(browser) == str(mallory.pk)
    event = AuthEvent.objects.order_by("-id").first()
    assert (event.reason, event.public_user_id) == ("ok", "mallory-9")
    assert "switched from user alice-1" in event.detail
    assert UsedJti.objects.count() == 1  # the login, not the question, used the code


@pytest.mark.parametrize(
    ("forged", "location"),
    [
        ("https://evil.example/x", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/evil.example/x"),
        ("/chat?externalAuthCode=abc&a=1", "/chat?a=1"),
    ],
)
def test_the_confirmation_only_ever_redirects_on_this_host(
    browser, mint, alice, mallory, forged, location
):
    browser.force_login(alice)
    fields = form_fields(visit(browser, mint({"id": "mallory-9"})))
    response = browser.post(SWITCH, {**fields, "next": forged})
    assert response.status_code == 303
    assert response["Location"] == location


def test_a_code_refused_by_the_time_it_is_confirmed_signs_out_and_shows_the_error(
    browser, mint, alice, mallory
):
    browser.force_login(alice)
    fields = form_fields(visit(browser, mint({"id": "mallory-9"})))
    services.disable_jwt()
    response = browser.post(SWITCH, fields, HTTP_ORIGIN="null")
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]
    event = AuthEvent.objects.order_by("-id").first()
    assert event.reason == "jwt_disabled"
    assert event.reference in response.content.decode()
    assert signed_in(browser) is None


def test_the_same_person_is_logged_in_again_without_a_question(client, mint, alice):
    client.force_login(alice)
    response = visit(client, mint({"user": {"id": "alice-1", "email": "alice@example.com"}}))
    assert response.status_code == 303
    assert response["Location"] == "/c/x/?tab=2"
    assert signed_in(client) == str(alice.pk)


def test_with_no_session_the_login_stays_automatic(client, mint, mallory):
    response = visit(client, mint({"id": "mallory-9"}))
    assert response.status_code == 303
    assert signed_in(client) == str(mallory.pk)
    assert "switched" not in AuthEvent.objects.order_by("-id").first().detail


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"id": "nobody"}, 401), ({"user": {"id": "x", "email": "alice@example.com"}}, 409)],
)
def test_a_genuine_code_that_is_refused_signs_out_without_a_question(
    client, mint, alice, payload, status
):
    client.force_login(alice)
    response = visit(client, mint(payload))
    assert response.status_code == status
    assert signed_in(client) is None


def test_an_invalid_code_while_signed_in_signs_out(client, mint, alice):
    client.force_login(alice)
    response = visit(client, mint({"id": "alice-1"}, secret="w" * 43))
    assert response.status_code == 401
    assert signed_in(client) is None
