"""Email login (DESIGN §3): email → code by email → code → logged in, with signup, refusals,
no account enumeration and one audit event per attempt (§4.5)."""

import re
import time

import pytest
from django.core import mail

from parley.accounts import services
from parley.accounts.models import CreatedVia, LoginMethod, Role, Status, User
from parley.audit.models import AuthEvent, Method, Outcome

from .email_flow import CODE_IN_MAIL, CONFIRM, LOGIN, SIGNUP, VERIFY, code_from, logged_in_user

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def client_factory(db):
    from django.test import Client

    return Client


def request_code(client, email):
    return client.post(LOGIN, {"login": email})


def events():
    return list(AuthEvent.objects.order_by("id").values_list("method", "outcome", "reason"))


def set_instance(**fields):
    instance = services.get_instance_settings()
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


# The happy paths


def test_member_logs_in_with_the_emailed_code_and_lands_on_chat_home(client, make_user):
    user = make_user(email="Casey@Example.com", metadata={"name": "Casey"})

    response = request_code(client, "  casey@EXAMPLE.com ")
    assert response.status_code == 302 and response["Location"] == CONFIRM
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Parley] Your login code"
    code = code_from(mail.outbox[0])

    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "Welcome, Casey" in home.content.decode()
    user.refresh_from_db()
    assert user.last_login_method == LoginMethod.EMAIL and user.last_login_at is not None
    assert events() == [(Method.EMAIL, Outcome.SUCCESS, "ok")]
    assert AuthEvent.objects.get().public_user_id == user.public_id


def test_a_code_is_accepted_in_lower_case_and_without_the_dash(client, make_user):
    make_user(email="dana@example.com")
    request_code(client, "dana@example.com")
    code = code_from(mail.outbox[0]).replace("-", "").lower()
    assert client.post(CONFIRM, {"code": code})["Location"] == "/"


def test_login_page_asks_only_for_an_email_and_offers_signup_while_it_is_open(client, db):
    page = client.get(LOGIN).content.decode()
    assert 'name="login"' in page and 'type="email"' in page
    assert 'type="password"' not in page
    assert "Email me a code" in page
    assert f'href="{SIGNUP}"' in page

    set_instance(email_signup_allowed=False)
    assert f'href="{SIGNUP}"' not in client.get(LOGIN).content.decode()
    set_instance(email_signup_allowed=True, seat_limit=0)
    assert f'href="{SIGNUP}"' not in client.get(LOGIN).content.decode()


def test_new_person_signs_up_confirms_the_code_and_is_logged_in(client, db):
    response = client.post(SIGNUP, {"email": "New.Person@Example.com"})
    assert response.status_code == 302 and response["Location"] == VERIFY
    user = User.objects.get()
    assert user.created_via == CreatedVia.EMAIL and user.role == Role.MEMBER
    assert user.status == Status.UNCONFIRMED and services.seat_usage().used == 0
    assert logged_in_user(client).is_anonymous
    assert mail.outbox[0].subject == "[Parley] Your confirmation code"

    response = client.post(VERIFY, {"code": code_from(mail.outbox[0])})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user(client) == user
    user.refresh_from_db()
    assert user.status == Status.ACTIVE and services.seat_usage().used == 1
    assert events() == [(Method.EMAIL, Outcome.SUCCESS, "ok")]

    # Next time the same person just logs in with a code: no second verification.
    client.post("/accounts/logout/")
    request_code(client, "new.person@example.com")
    assert client.post(CONFIRM, {"code": code_from(mail.outbox[-1])})["Location"] == "/"


def test_unknown_email_gets_a_mail_pointing_to_signup(client, client_factory):
    request_code(client, "stranger@example.com")
    body = mail.outbox[0].body
    assert "there is no account for this address" in body
    assert "/accounts/signup/?email=stranger%40example.com" in body

    set_instance(email_signup_allowed=False)
    request_code(client_factory(), "stranger2@example.com")
    assert "/accounts/signup/" not in mail.outbox[1].body
    assert "ask your administrator" in mail.outbox[1].body


# No enumeration


def _page_for(client, email):
    """What a visitor sees for `email`: the request response, the code page, a wrong code."""
    first = request_code(client, email)
    code_page = client.get(CONFIRM)
    wrong = client.post(CONFIRM, {"code": "AAAA-AAAA"})
    return [
        (r.status_code, r.get("Location"), _normalised(r.content.decode(), email))
        for r in (first, code_page, wrong)
    ]


def _normalised(html: str, email: str) -> str:
    html = html.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def test_responses_are_the_same_for_known_unknown_and_refused_emails(client_factory, make_user):
    make_user(email="known@example.com")
    make_user(email="gone@example.com")
    services.deactivate_user(user=User.objects.get(email="gone@example.com"))
    known = _page_for(client_factory(), "known@example.com")
    assert known[0][:2] == (302, CONFIRM) and known[1][0] == 200 and known[2][0] == 200
    assert "EMAIL" in known[1][2]
    assert _page_for(client_factory(), "nobody@example.com") == known
    assert _page_for(client_factory(), "gone@example.com") == known
    set_instance(email_login_enabled=False)
    assert _page_for(client_factory(), "known@example.com") == known


# Wrong, expired, replayed codes and bad input: refused, audited, never a 500


def test_wrong_codes_are_audited_and_the_last_allowed_attempt_abandons_the_code(
    client, make_user, settings
):
    user = make_user(email="erin@example.com")
    request_code(client, "erin@example.com")
    code = code_from(mail.outbox[0])
    for left in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS - 1, 0, -1):
        response = client.post(CONFIRM, {"code": "WRNG-CODE"})
        assert response.status_code == 200
        page = response.content.decode()
        tries = f"{left} {'try' if left == 1 else 'tries'} left"
        assert f"That code is not right ({tries})" in page
        assert "Send a new code" in page
    response = client.post(CONFIRM, {"code": "WRNG-CODE"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"

    # The real code is dead now too.
    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response["Location"] != "/"
    assert logged_in_user(client).is_anonymous
    reasons = [reason for _, _, reason in events()]
    assert reasons == ["incorrect_code"] * 4 + ["too_many_attempts"]
    assert {e.public_user_id for e in AuthEvent.objects.all()} == {user.public_id}


def test_codes_typed_for_an_unknown_email_are_audited_like_any_other(client, db, settings):
    request_code(client, "nobody@example.com")
    for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS):
        client.post(CONFIRM, {"code": "WRNG-CODE"})
    reasons = [reason for _, _, reason in events()]
    assert reasons == ["incorrect_code"] * 4 + ["too_many_attempts"]


def test_an_expired_code_is_refused_without_an_error(client, make_user, monkeypatch, settings):
    make_user(email="finn@example.com")
    request_code(client, "finn@example.com")
    code = code_from(mail.outbox[0])
    later = time.time() + settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert logged_in_user(client).is_anonymous
    assert client.get(response["Location"]).status_code == 200


def test_a_code_still_inside_its_lifetime_works(client, make_user, monkeypatch, settings):
    make_user(email="gale@example.com")
    request_code(client, "gale@example.com")
    code = code_from(mail.outbox[0])
    later = time.time() + settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT - 30
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.post(CONFIRM, {"code": code})["Location"] == "/"


def test_a_second_request_in_the_same_session_goes_back_to_the_pending_code(client, make_user):
    make_user(email="quinn@example.com")
    request_code(client, "quinn@example.com")
    assert request_code(client, "other@example.com")["Location"] == CONFIRM
    assert len(mail.outbox) == 1
    # "Use a different email" on the code page ends the pending login.
    client.post("/accounts/logout/", {"next": LOGIN})
    assert request_code(client, "other@example.com")["Location"] == CONFIRM
    assert len(mail.outbox) == 2


def test_a_used_code_cannot_be_replayed(client, make_user):
    make_user(email="hana@example.com")
    request_code(client, "hana@example.com")
    code = code_from(mail.outbox[0])
    assert client.post(CONFIRM, {"code": code})["Location"] == "/"
    client.post("/accounts/logout/")

    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response["Location"] != "/"
    assert logged_in_user(client).is_anonymous
    assert [reason for _, _, reason in events()] == ["ok"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"login": ""},
        {"login": "   "},
        {"login": "not-an-email"},
        {"login": "a@b"},
        {"login": "@example.com"},
        {"login": "ünï@例え.テスト"},
        {"login": "a@example.com\r\nBcc: victim@example.com"},
        {"login": "\x00@example.com"},
    ],
)
def test_bad_email_input_shows_the_form_again(client, db, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("code", ["", " ", "x" * 5000, "<script>", "\x00", "ÄÖÜ-ÄÖÜ"])
def test_bad_code_input_is_an_ordinary_wrong_code(client, make_user, code):
    make_user(email="ivy@example.com")
    request_code(client, "ivy@example.com")
    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_confirm_page_without_a_pending_code_redirects_to_login(client, db):
    assert client.get(CONFIRM).status_code == 302
    assert client.post(CONFIRM, {"code": "AAAA-AAAA"}).status_code == 302


# Email login switched off, deactivated users, seats


def test_email_login_off_sends_a_member_no_code_but_a_reference(client, make_user):
    user = make_user(email="jo@example.com")
    set_instance(email_login_enabled=False)

    response = request_code(client, "jo@example.com")
    assert response.status_code == 302 and response["Location"] == CONFIRM
    body = mail.outbox[0].body
    assert CODE_IN_MAIL.search(body) is None
    assert "Logging in by email is switched off" in body
    event = AuthEvent.objects.get()
    assert (event.reason, event.outcome, event.public_user_id) == (
        "email_login_disabled",
        Outcome.FAILURE,
        user.public_id,
    )
    assert event.reference in body


def test_email_login_off_still_lets_admins_in(client, admin_user):
    set_instance(email_login_enabled=False)
    request_code(client, "admin@example.com")
    response = client.post(CONFIRM, {"code": code_from(mail.outbox[0])})
    assert response["Location"] == "/"
    assert logged_in_user(client) == admin_user
    assert events() == [(Method.EMAIL, Outcome.SUCCESS, "ok")]


def test_email_login_switched_off_after_the_code_was_sent_refuses_the_member(client, make_user):
    user = make_user(email="kim@example.com")
    request_code(client, "kim@example.com")
    set_instance(email_login_enabled=False)

    response = client.post(CONFIRM, {"code": code_from(mail.outbox[0])})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Email login is switched off" in page
    event = AuthEvent.objects.get()
    assert event.reason == "email_login_disabled" and event.public_user_id == user.public_id
    assert event.reference in page
    assert logged_in_user(client).is_anonymous


def test_deactivated_user_gets_no_code(client, make_user):
    user = services.deactivate_user(user=make_user(email="lee@example.com"))
    request_code(client, "lee@example.com")
    body = mail.outbox[0].body
    assert CODE_IN_MAIL.search(body) is None and "deactivated" in body
    event = AuthEvent.objects.get()
    assert event.reason == "user_deactivated" and event.public_user_id == user.public_id
    assert event.reference in body


def test_user_deactivated_after_the_code_was_sent_sees_a_friendly_error(client, make_user):
    user = make_user(email="max@example.com")
    request_code(client, "max@example.com")
    services.deactivate_user(user=user)

    response = client.post(CONFIRM, {"code": code_from(mail.outbox[0])})
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    event = AuthEvent.objects.get()
    assert event.reason == "user_deactivated" and event.reference in response.content.decode()
    assert logged_in_user(client).is_anonymous


def test_signup_when_no_seat_is_free_is_refused_and_takes_no_seat(client, make_user):
    make_user(email="first@example.com")
    services.set_seat_limit(limit=1)

    response = client.post(SIGNUP, {"email": "second@example.com"})
    assert response.status_code == 200
    assert "Sign-up is closed" in response.content.decode()
    assert User.objects.count() == 1
    assert mail.outbox == []
    assert events() == [(Method.EMAIL, Outcome.FAILURE, "seat_limit_reached")]


@pytest.mark.parametrize(
    ("setting", "reason"),
    [("email_signup_allowed", "signup_closed"), ("email_login_enabled", "email_login_disabled")],
)
def test_signup_switched_off_by_the_admin_is_refused(client, db, setting, reason):
    set_instance(**{setting: False})
    assert "Sign-up is closed" in client.get(SIGNUP).content.decode()
    client.post(SIGNUP, {"email": "someone@example.com"})
    assert User.objects.count() == 0
    assert events() == [(Method.EMAIL, Outcome.FAILURE, reason)]


def test_signup_with_an_existing_email_looks_like_any_signup(client, make_user):
    make_user(email="Taken@Example.com")
    response = client.post(SIGNUP, {"email": "taken@example.com"})
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert User.objects.count() == 1
    assert "already has one" in mail.outbox[0].body


def test_wrong_signup_verification_codes_are_audited(client, db, settings):
    client.post(SIGNUP, {"email": "nina@example.com"})
    user = User.objects.get()
    client.post(VERIFY, {"code": "WRNG-CODE"})
    event = AuthEvent.objects.get()
    assert (event.reason, event.public_user_id) == ("incorrect_code", user.public_id)


# Audit: exactly one event per attempt, and only for email logins


def test_too_many_code_requests_are_rate_limited_and_audited(client_factory, make_user):
    make_user(email="olga@example.com")
    for _ in range(3):  # ACCOUNT_RATE_LIMITS["request_login_code"]: 3/m/key
        assert request_code(client_factory(), "olga@example.com").status_code == 302
    response = request_code(client_factory(), "olga@example.com")
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == 3
    assert events() == [(Method.EMAIL, Outcome.FAILURE, "rate_limited")]


def test_logins_by_link_and_test_clients_are_not_audited_as_email(client, make_user, rf):
    from django.contrib.sessions.middleware import SessionMiddleware

    from parley.accounts.sessions import log_user_in

    user = make_user(email="pat@example.com")
    client.force_login(user)
    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    log_user_in(request, user=user, method=LoginMethod.LINK)
    assert events() == []
    user.refresh_from_db()
    assert user.last_login_method == LoginMethod.LINK
