"""An email signup takes its seat when its code is confirmed, not when the form is sent:
signups awaiting their code hold no seat, expire, never block a JWT, admin or API user,
and never log anyone in."""

import time
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from parley.accounts import services
from parley.accounts.models import CreatedVia, Status, User
from parley.audit.models import AuthEvent
from parley.external_auth import services as external_auth

from .email_flow import LOGIN, SIGNUP, VERIFY, code_from, logged_in_user

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def sign_up(email: str) -> Client:
    """Send the signup form from a browser of its own; returns that browser."""
    browser = Client()
    response = browser.post(SIGNUP, {"email": email})
    assert response.status_code == 302 and response["Location"] == VERIFY
    return browser


def confirm(browser: Client, email: str):
    """Type the code of the last mail to `email` into the browser's code page."""
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return browser.post(VERIFY, {"code": code_from(message)})


def pending(email: str) -> User:
    return User.objects.get(email_normalized=email, status=Status.UNCONFIRMED)


def backdate_past_expiry(user: User) -> None:
    lifetime = timedelta(seconds=settings.UNCONFIRMED_SIGNUP_LIFETIME + 1)
    User.objects.filter(pk=user.pk).update(created_at=user.created_at - lifetime)


@pytest.fixture
def jwt_login(db):
    secret = external_auth.enable_jwt()

    def log_in(browser: Client, payload: dict):
        code = jwt.encode(payload, secret, algorithm="HS256")
        return browser.get(f"/?externalAuthCode={code}")

    return log_in


# No seat until the code is confirmed


def test_filling_the_signup_form_many_times_takes_no_seat(make_user):
    make_user(email="member@example.com")
    services.set_seat_limit(limit=2)

    for n in range(5):
        browser = sign_up(f"bot{n}@example.com")
        assert logged_in_user(browser).is_anonymous

    assert str(services.seat_usage()) == "1/2"
    assert User.objects.filter(status=Status.UNCONFIRMED).count() == 5
    assert [m.subject for m in mail.outbox] == ["[Parley] Your confirmation code"] * 5


def test_a_jwt_first_login_gets_the_last_free_seat_while_signups_wait(make_user, jwt_login):
    make_user(email="member@example.com")
    services.set_seat_limit(limit=2)
    for n in range(3):
        sign_up(f"waiting{n}@example.com")

    response = jwt_login(Client(), {"user": {"id": "crm-1", "email": "kim@example.com"}})

    assert response.status_code == 303
    assert User.objects.get(public_id="crm-1").status == Status.ACTIVE
    assert str(services.seat_usage()) == "2/2"


def test_confirming_the_code_takes_the_seat_and_logs_the_person_in(db):
    services.set_seat_limit(limit=1)
    browser = sign_up("new@example.com")
    assert str(services.seat_usage()) == "0/1"

    response = confirm(browser, "new@example.com")

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="new@example.com")
    assert user.status == Status.ACTIVE and user.created_via == CreatedVia.EMAIL
    assert logged_in_user(browser) == user
    assert str(services.seat_usage()) == "1/1"


def test_confirming_when_the_seats_are_full_shows_the_seat_full_page_and_creates_no_user(
    make_user,
):
    services.set_seat_limit(limit=1)
    browser = sign_up("late@example.com")
    signup_id = pending("late@example.com").public_id
    make_user(email="first@example.com")  # takes the last seat while the code is in the mail

    response = confirm(browser, "late@example.com")

    assert response.status_code == 409
    page = response.content.decode()
    assert "All seats" in page
    event = AuthEvent.objects.get()
    assert (event.reason, event.public_user_id) == ("seat_limit_reached", signup_id)
    assert "signup confirmed but no seat is free" in event.detail
    assert event.reference in page
    assert not User.objects.filter(email_normalized="late@example.com").exists()
    assert logged_in_user(browser).is_anonymous
    assert str(services.seat_usage()) == "1/1"
    # The browser is not stuck on the code page: it may log in or sign up again later.
    assert browser.get(SIGNUP).status_code == 200


@pytest.mark.parametrize(
    ("setting", "reason"),
    [("email_signup_allowed", "signup_closed"), ("email_login_enabled", "email_login_disabled")],
)
def test_signup_switched_off_before_the_code_is_confirmed_is_refused(db, setting, reason):
    browser = sign_up("someone@example.com")
    instance = services.get_instance_settings()
    setattr(instance, setting, False)
    instance.save()

    response = confirm(browser, "someone@example.com")

    assert response.status_code == 403
    assert AuthEvent.objects.get().reason == reason
    assert not User.objects.filter(email_normalized="someone@example.com").exists()
    assert logged_in_user(browser).is_anonymous


# Signups awaiting their code cannot log in


def test_a_signup_awaiting_its_code_gets_no_login_code(db):
    sign_up("waiting@example.com")
    Client().post(LOGIN, {"login": "waiting@example.com"})
    body = mail.outbox[-1].body
    assert "there is no account for this address" in body
    assert "deactivated" not in body


def test_jwt_login_by_the_email_or_id_of_a_signup_awaiting_its_code_finds_no_user(jwt_login):
    sign_up("waiting@example.com")
    signup_id = pending("waiting@example.com").public_id

    for payload in ({"email": "waiting@example.com"}, {"id": signup_id}):
        browser = Client()
        response = jwt_login(browser, payload)
        assert response.status_code == 401
        assert AuthEvent.objects.order_by("-id").first().reason == "user_not_found"
        assert logged_in_user(browser).is_anonymous
    assert pending("waiting@example.com").public_id == signup_id


# Signups awaiting their code never block another path


def test_a_jwt_upsert_with_the_email_of_a_signup_awaiting_its_code_creates_the_jwt_user(
    jwt_login,
):
    services.set_seat_limit(limit=1)
    browser = sign_up("shared@example.com")

    response = jwt_login(Client(), {"user": {"id": "crm-9", "email": "Shared@Example.com"}})

    assert response.status_code == 303
    user = User.objects.get(email_normalized="shared@example.com")
    assert (user.public_id, user.status) == ("crm-9", Status.ACTIVE)
    # The signup's code, typed afterwards, explains instead of failing or logging anyone in.
    response = confirm(browser, "shared@example.com")
    assert response.status_code == 410
    page = response.content.decode()
    assert "sign up again" in page
    event = AuthEvent.objects.order_by("-id").first()
    assert event.reason == "signup_expired" and event.reference in page
    assert logged_in_user(browser).is_anonymous
    assert browser.get(VERIFY).status_code == 302  # nothing left pending in this session


def test_a_jwt_upsert_with_the_id_of_a_signup_awaiting_its_code_creates_the_jwt_user(
    jwt_login,
):
    sign_up("waiting@example.com")
    signup_id = pending("waiting@example.com").public_id

    response = jwt_login(Client(), {"user": {"id": signup_id, "email": "crm@example.com"}})

    assert response.status_code == 303
    assert User.objects.get(public_id=signup_id).email == "crm@example.com"
    assert not User.objects.filter(email_normalized="waiting@example.com").exists()


def test_a_jwt_user_whose_email_changes_to_that_of_a_signup_awaiting_its_code_gets_it(
    jwt_login,
):
    jwt_login(Client(), {"user": {"id": "crm-5", "email": "old@example.com"}})
    sign_up("new@example.com")

    response = jwt_login(Client(), {"user": {"id": "crm-5", "email": "new@example.com"}})

    assert response.status_code == 303
    assert User.objects.get(public_id="crm-5").email == "new@example.com"
    assert not User.objects.filter(status=Status.UNCONFIRMED).exists()


def test_an_admin_creates_a_user_with_the_email_of_a_signup_awaiting_its_code(admin_client):
    sign_up("wanted@example.com")

    form = {"email": "wanted@example.com", "role": "member"}
    response = admin_client.post("/admin/add-user/", form)

    assert response.status_code == 302
    user = User.objects.get(email_normalized="wanted@example.com")
    assert (user.status, user.created_via) == (Status.ACTIVE, CreatedVia.ADMIN)


def test_a_second_signup_with_the_same_email_replaces_the_first(db):
    first = sign_up("twice@example.com")
    first_id, first_code = pending("twice@example.com").pk, code_from(mail.outbox[-1])
    cache.clear()  # allauth sends one code per address every few minutes

    second = sign_up("twice@example.com")

    assert "already has one" not in mail.outbox[-1].body
    assert not User.objects.filter(pk=first_id).exists()
    assert first.post(VERIFY, {"code": first_code}).status_code == 410
    assert confirm(second, "twice@example.com")["Location"] == "/"
    assert User.objects.get(email_normalized="twice@example.com").status == Status.ACTIVE


# Expiry


def test_an_expired_signup_is_removed_and_its_email_can_sign_up_again(db, monkeypatch):
    services.set_seat_limit(limit=1)
    stale = sign_up("slow@example.com")
    expired = pending("slow@example.com")
    backdate_past_expiry(expired)
    later = time.time() + settings.UNCONFIRMED_SIGNUP_LIFETIME + 1  # the code is dead too
    monkeypatch.setattr(time, "time", lambda: later)
    cache.clear()  # allauth's rate limits would otherwise outlive the jump in time

    sign_up("other@example.com")  # any new signup clears the expired ones
    assert not User.objects.filter(pk=expired.pk).exists()
    response = confirm(stale, "slow@example.com")  # the old code is dead too
    assert response.status_code == 302 and response["Location"] != "/"

    again = sign_up("slow@example.com")
    assert confirm(again, "slow@example.com")["Location"] == "/"
    assert logged_in_user(again).email == "slow@example.com"
    assert str(services.seat_usage()) == "1/1"


def test_confirming_a_signup_clears_the_expired_ones(db):
    sign_up("old@example.com")
    expired = pending("old@example.com")
    browser = sign_up("fresh@example.com")
    backdate_past_expiry(expired)

    assert confirm(browser, "fresh@example.com")["Location"] == "/"
    assert not User.objects.filter(pk=expired.pk).exists()


def test_a_signup_is_kept_while_its_code_may_still_be_typed(db):
    sign_up("patient@example.com")
    waiting = pending("patient@example.com")
    almost = timedelta(seconds=settings.UNCONFIRMED_SIGNUP_LIFETIME - 5)
    User.objects.filter(pk=waiting.pk).update(created_at=waiting.created_at - almost)

    sign_up("other@example.com")
    assert User.objects.filter(pk=waiting.pk).exists()
    code_lifetime = settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT
    assert settings.UNCONFIRMED_SIGNUP_LIFETIME > code_lifetime


# Where people are listed


def test_signups_awaiting_their_code_are_no_users_to_the_admin_but_are_counted(admin_client):
    sign_up("waiting@example.com")

    page = admin_client.get("/admin/").content.decode()
    assert "waiting@example.com" not in page
    assert "1 email sign-up waiting for the confirmation code" in page
    assert 'value="unconfirmed"' not in page
    signup_id = pending("waiting@example.com").public_id
    assert admin_client.get(f"/admin/users/{signup_id}/").status_code == 404


def test_the_cli_lists_signups_awaiting_their_code_with_their_status(db, capsys):
    from parley.cli import main

    sign_up("waiting@example.com")
    assert main(["users", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "waiting@example.com" in x)
    assert "unconfirmed" in line
