"""The frame's login: the URL login's service (same errors, audit, seats), a bearer token
instead of a cookie, and nothing created when the code is refused."""

import json

import pytest

from parley.accounts import services as accounts
from parley.accounts.models import User, UserToken
from parley.audit.models import AuthEvent, Outcome
from parley.chat.models import Conversation


def widget_login(client, code):
    return client.post(
        "/widget/login/", json.dumps({"code": code}), content_type="application/json"
    )


def test_a_valid_code_gives_the_frame_a_bearer_token_and_no_session(client, mint):
    payload = {"user": {"id": "w-1", "email": "w@example.com", "name": "Wim"}}
    response = widget_login(client, mint(payload))
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["token"].startswith("pu_sess_")
    assert body["user"] == {"id": "w-1", "email": "w@example.com", "name": "Wim"}
    event = AuthEvent.objects.get(reference=body["reference"])
    assert (event.outcome, event.reason, event.public_user_id) == (Outcome.SUCCESS, "ok", "w-1")
    assert User.objects.get(public_id="w-1").created_via == "jwt"
    assert "_auth_user_id" not in client.session
    assert "parley_session" not in response.cookies


def test_a_widget_login_is_the_persons_last_login(client, mint, make_user):
    person = make_user(public_id="w-2")
    assert person.last_login is None  # shown as "Never" in the admin panel
    widget_login(client, mint({"user": {"id": "w-2"}}))
    person.refresh_from_db()
    assert person.last_login is not None


@pytest.mark.parametrize(
    ("payload", "kwargs", "status", "code"),
    [
        ({"user": {"id": "x"}}, {"expires_in": -3600}, 401, "token_expired"),
        ({"user": {"id": "x"}}, {"secret": "f" * 64}, 401, "invalid_signature"),
        ({"id": "nobody"}, {}, 401, "user_not_found"),
    ],
)
def test_a_refused_code_gives_the_url_logins_error_and_audit_and_creates_nothing(
    client, mint, payload, kwargs, status, code
):
    response = widget_login(client, mint(payload, **kwargs))
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and body["message"] and body["reference"]
    event = AuthEvent.objects.get(reference=body["reference"])
    assert (event.outcome, event.reason) == (Outcome.FAILURE, code)
    assert not User.objects.filter(public_id="x").exists()
    assert not UserToken.objects.exists() and not Conversation.objects.exists()


def test_a_forged_code_is_refused(client, secret):
    response = widget_login(client, "not.a.jwt")
    assert (response.status_code, response.json()["code"]) == (401, "malformed_token")
    assert not UserToken.objects.exists()


def test_without_a_free_seat_no_one_is_created(client, mint, make_user):
    make_user()
    accounts.set_seat_limit(limit=1)
    response = widget_login(client, mint({"user": {"id": "n"}}))
    assert (response.status_code, response.json()["code"]) == (409, "seat_limit_reached")
    assert not User.objects.filter(public_id="n").exists()
    assert not UserToken.objects.exists()


def test_with_jwt_off_the_code_is_refused(client, db):
    response = widget_login(client, "a.b.c")
    assert (response.status_code, response.json()["code"]) == (403, "jwt_disabled")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"", 400, "invalid_json"),
        (b"not json", 400, "invalid_json"),
        (b"[]", 400, "invalid_json"),
        (b'{"code": 5}', 400, "bad_request"),
        (b'{"code": "' + b"x" * 20_000 + b'"}', 413, "request_too_large"),
    ],
)
def test_a_malformed_request_is_refused_with_a_json_error(client, db, body, status, code):
    response = client.post("/widget/login/", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_deeply_nested_body_is_invalid_json_not_a_server_error(client, make_user, signed_in):
    if signed_in:
        client.force_login(make_user())
    body = b'{"code": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    response = client.post("/widget/login/", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")
    assert "nests deeper than" in response.json()["message"]


def test_the_login_refuses_get(client, db):
    assert client.get("/widget/login/").status_code == 405
