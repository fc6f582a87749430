"""Signing in with a second factor: once a person has an authenticator app or a passkey, an
email login and a login link (also `createadmin`'s) ask for it before any session exists."""

import time

import pytest
from django.core import mail
from django.test import Client

from parley.accounts import link_second_factor
from parley.accounts.login_links import create_login_link
from parley.accounts.models import LoginMethod
from parley.audit.models import AuthEvent

from .email_flow import CONFIRM, LOGIN, code_from, logged_in_user
from .second_factor_flow import (
    AUTHENTICATE,
    LINK_SECOND_FACTOR,
    enrol_authenticator_app,
    recovery_codes,
    wrong_code,
)
from .test_login_links import path_of

# db first: on PostgreSQL the rate limits live in a database cache table.
pytestmark = pytest.mark.usefixtures("db", "fresh_rate_limits")


def events():
    return list(AuthEvent.objects.order_by("id").values_list("method", "outcome", "reason"))


def email_code_accepted(client, email):
    client.post(LOGIN, {"login": email})
    return client.post(CONFIRM, {"code": code_from(mail.outbox[-1])})


def test_an_email_login_asks_for_the_authenticator_apps_code_before_signing_in(client, make_user):
    user = make_user(email="sam@example.com")
    app = enrol_authenticator_app(user)

    response = email_code_accepted(client, "sam@example.com")
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    assert not logged_in_user(client).is_authenticated
    page = client.get(AUTHENTICATE)
    assert b"authenticator app" in page.content
    assert b"Use a passkey" not in page.content  # they have none

    refused = client.post(AUTHENTICATE, {"code": wrong_code(app)})
    assert refused.status_code == 200 and b"Incorrect code" in refused.content
    assert not logged_in_user(client).is_authenticated

    response = client.post(AUTHENTICATE, {"code": app.now()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user(client) == user
    user.refresh_from_db()
    assert user.last_login_method == LoginMethod.EMAIL
    assert events()[-2:] == [
        ("mfa", "failure", "incorrect_second_factor"),
        ("email", "success", "ok"),
    ]


def test_each_recovery_code_signs_in_once(client, make_user):
    user = make_user(email="kim@example.com")
    enrol_authenticator_app(user)
    code = recovery_codes(user)[0]

    email_code_accepted(client, "kim@example.com")
    assert client.post(AUTHENTICATE, {"code": code})["Location"] == "/"
    assert logged_in_user(client) == user
    assert code not in recovery_codes(user)

    again = Client()
    email_code_accepted(again, "kim@example.com")
    refused = again.post(AUTHENTICATE, {"code": code})
    assert refused.status_code == 200 and b"Incorrect code" in refused.content
    assert not logged_in_user(again).is_authenticated
    # Another unused code still works.
    assert again.post(AUTHENTICATE, {"code": recovery_codes(user)[0]})["Location"] == "/"


def test_a_login_link_asks_for_the_second_factor_before_signing_in(client, make_user):
    user = make_user(email="lou@example.com")
    app = enrol_authenticator_app(user)

    response = client.get(path_of(create_login_link(user=user)))
    assert response.status_code == 302 and response["Location"] == LINK_SECOND_FACTOR
    assert not logged_in_user(client).is_authenticated
    assert b"second factor" in client.get(LINK_SECOND_FACTOR).content

    refused = client.post(LINK_SECOND_FACTOR, {"code": wrong_code(app)})
    assert refused.status_code == 200 and b"Incorrect code" in refused.content
    assert not logged_in_user(client).is_authenticated

    response = client.post(LINK_SECOND_FACTOR, {"code": app.now()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user(client) == user
    user.refresh_from_db()
    assert user.last_login_method == LoginMethod.LINK
    event = AuthEvent.objects.order_by("-id").first()
    assert (event.method, event.outcome, event.detail) == ("link", "success", "second factor: totp")
    # The step is spent with the login: the page cannot be used for a second session.
    assert client.get(LINK_SECOND_FACTOR).status_code == 401


def test_createadmins_link_asks_an_enrolled_owner_for_the_second_factor(client, admin_user):
    enrol_authenticator_app(admin_user)
    response = client.get(path_of(create_login_link(user=admin_user, created_by="cli")))
    assert response["Location"] == LINK_SECOND_FACTOR
    assert client.get("/admin/").status_code == 302  # not signed in: to the login page
    assert not logged_in_user(client).is_authenticated


def test_the_second_factor_step_of_a_link_expires_like_a_login_code(client, make_user, settings):
    user = make_user(email="ash@example.com")
    app = enrol_authenticator_app(user)
    client.get(path_of(create_login_link(user=user)))
    session = client.session
    held = session[link_second_factor.PENDING_KEY]
    held["at"] = time.time() - settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT - 1
    session[link_second_factor.PENDING_KEY] = held
    session.save()

    response = client.post(LINK_SECOND_FACTOR, {"code": app.now()})
    assert response.status_code == 401
    assert b"Ask for a new login link" in response.content
    assert not logged_in_user(client).is_authenticated
    assert events()[-1] == ("link", "failure", "second_factor_step_expired")


def test_the_second_factor_page_without_a_link_signs_no_one_in(client, make_user):
    user = make_user(email="nobody-held@example.com")
    app = enrol_authenticator_app(user)
    response = client.post(LINK_SECOND_FACTOR, {"code": app.now()})
    assert response.status_code == 401
    assert not logged_in_user(client).is_authenticated


def test_a_login_link_of_someone_without_a_second_factor_signs_in_at_once(client, make_user):
    user = make_user(email="plain@example.com")
    assert client.get(path_of(create_login_link(user=user)))["Location"] == "/"
    assert logged_in_user(client) == user


@pytest.mark.parametrize(
    "data",
    [
        {"credential": "not json"},
        {"credential": '{"id": "forged", "response": {}}'},
        {"credential": "{}"},
        {"code": "1" * 5000},
        {"code": ""},
        {},
    ],
    ids=["malformed", "forged-passkey", "empty-passkey", "oversized-code", "empty-code", "nothing"],
)
def test_a_bad_second_factor_after_a_link_signs_no_one_in(client, make_user, data):
    user = make_user(email="bad-input@example.com")
    enrol_authenticator_app(user)
    client.get(path_of(create_login_link(user=user)))
    response = client.post(LINK_SECOND_FACTOR, data)
    assert response.status_code == 200
    assert not logged_in_user(client).is_authenticated
    assert not AuthEvent.objects.filter(method="link", outcome="success").exists()


def test_a_user_deactivated_after_following_the_link_is_not_signed_in(client, make_user):
    from parley.accounts import services

    user = make_user(email="gone@example.com")
    app = enrol_authenticator_app(user)
    client.get(path_of(create_login_link(user=user)))
    services.deactivate_user(user=user)
    response = client.post(LINK_SECOND_FACTOR, {"code": app.now()})
    assert response.status_code == 401
    assert not logged_in_user(client).is_authenticated


@pytest.mark.parametrize(
    "credential", ["not json", '{"id": "forged", "response": {}}', '{"rawId": 5}', "[]"]
)
def test_a_forged_passkey_at_the_email_logins_step_is_an_incorrect_code_not_an_error(
    client, make_user, credential
):
    user = make_user(email="forger@example.com")
    enrol_authenticator_app(user)
    email_code_accepted(client, "forger@example.com")
    client.get(AUTHENTICATE)
    response = client.post(AUTHENTICATE, {"credential": credential})
    assert response.status_code == 200
    assert not logged_in_user(client).is_authenticated
