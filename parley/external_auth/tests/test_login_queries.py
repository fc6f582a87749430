"""What one JWT URL login costs the database (bench/README.md, "jwt_login.py").

A returning user's login by `?externalAuthCode=` reads the stored JWT settings, secrets and
public keys (three small reads: nothing is cached across requests, so an admin's change
applies to the next request on every worker), reads the user, and then writes in ONE
transaction: the last-login stamp, the audit event and the new session (once, with the login
in it: no empty row first, no second save by the session middleware). A new query here is
a cost on every login: raise the numbers only on purpose.
"""

import time

import jwt
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.external_auth import services

pytestmark = pytest.mark.django_db(transaction=True)  # real BEGIN/COMMIT, not savepoints
WRITES = {"INSERT", "UPDATE", "DELETE"}


def _code(secret, payload):
    return jwt.encode({**payload, "iat": int(time.time())}, secret, algorithm="HS256")


def _statements_of(query):
    return query["sql"].split()[0].upper()


def _statements(captured):
    return [_statements_of(q) for q in captured.captured_queries]


@pytest.fixture
def returning_user(make_user):
    return make_user(public_id="crm-7", email="kim@example.com", metadata={"plan": "pro"})


@pytest.mark.parametrize(
    "payload",
    [
        {"user": {"id": "crm-7", "email": "kim@example.com", "plan": "pro"}},
        {"id": "crm-7"},
    ],
    ids=["user-object", "id"],
)
def test_a_returning_users_login_is_four_reads_and_one_write_transaction(
    client, returning_user, payload
):
    secret = services.enable_jwt()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/", {"externalAuthCode": _code(secret, payload), "tab": "x"})
    assert response.status_code == 303
    assert response["Location"] == "/?tab=x"

    statements = _statements(captured)
    assert statements == [
        "SELECT",  # JWT settings
        "SELECT",  # secrets
        "SELECT",  # public keys
        "BEGIN",
        "SELECT",  # the user
        "UPDATE",  # last login
        "INSERT",  # audit event
        "SAVEPOINT",
        "INSERT",  # the session, with the login in it
        "RELEASE",
        "COMMIT",
    ], "\n".join(q["sql"][:120] for q in captured.captured_queries)
    writes = [q["sql"] for q in captured.captured_queries if _statements_of(q) in WRITES]
    assert [w.split('"')[1] for w in writes] == [
        "accounts_user",
        "audit_authevent",
        "django_session",
    ]

    # The session row holds the login, and its cookie is the one the browser got.
    key = response.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(
        returning_user.pk
    )
    assert client.get("/").context["user"] == returning_user
    assert AuthEvent.objects.filter(outcome="success", public_user_id="crm-7").count() == 1
    assert User.objects.get(pk=returning_user.pk).last_login_method == "jwt"


def test_the_session_cookie_is_the_one_the_session_middleware_would_set(client, returning_user):
    secret = services.enable_jwt()
    response = client.get("/", {"externalAuthCode": _code(secret, {"id": "crm-7"})})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == settings.SESSION_COOKIE_SAMESITE
    assert cookie["path"] == settings.SESSION_COOKIE_PATH
    assert 0 < int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
    assert "Cookie" in response["Vary"]
    key = cookie.value
    assert len(key) == 32 and set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789")
    assert Session.objects.count() == 1


def test_an_anonymous_sessions_data_moves_to_a_new_key(client, returning_user):
    # No session fixation: the key changes, what the anonymous session held is kept, and
    # the old row is gone (what django.contrib.auth.login's cycle_key does).
    session = client.session
    session["kept"] = "yes"
    session.save()
    old_key = session.session_key
    secret = services.enable_jwt()
    client.get("/", {"externalAuthCode": _code(secret, {"id": "crm-7"})})
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.session["kept"] == "yes"
    assert client.session["_auth_user_id"] == str(returning_user.pk)


def test_a_failed_login_writes_only_its_audit_event(client, returning_user):
    services.enable_jwt()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/", {"externalAuthCode": _code("x" * 43, {"id": "crm-7"})})
    assert response.status_code == 401
    writes = [q["sql"] for q in captured.captured_queries if _statements_of(q) in WRITES]
    assert len(writes) == 1 and "audit_authevent" in writes[0]
    assert not Session.objects.exists()
