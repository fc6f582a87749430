"""POST /auth/external: the same verification as a login URL, a user's bearer token for
clients that are not browsers, and /me and /auth/logout with that token."""

import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from parley.accounts import services
from parley.accounts.models import User, UserToken
from parley.audit.models import AuthEvent, Outcome
from parley.external_auth.services import update_policy

from .conftest import assert_json_error


def exchange(anonymous_api, code):
    return anonymous_api.post("/api/v1/auth/external", {"externalAuthCode": code})


def test_a_valid_code_returns_a_bearer_token_and_the_user(anonymous_api, mint):
    response = exchange(anonymous_api, mint({"user": {"id": "ext-1", "email": "e@example.com"}}))
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token"].startswith("pu_sess_") and body["token_type"] == "Bearer"
    assert body["created"] is True
    assert body["user"]["id"] == "ext-1" and body["user"]["created_via"] == "jwt"
    event = AuthEvent.objects.get(reference=body["reference"])
    assert (event.outcome, event.reason, event.public_user_id) == (Outcome.SUCCESS, "ok", "ext-1")
    assert UserToken.objects.get().token_hash != body["token"]


def test_the_token_expires_with_the_code_capped_by_the_session_maximum(anonymous_api, mint):
    short = exchange(anonymous_api, mint({"user": {"id": "s"}}, expires_in=300)).json()
    assert 290 <= short["expires_in"] <= 300
    update_policy(session_max_age_seconds=3600)
    long = exchange(anonymous_api, mint({"user": {"id": "l"}}, expires_in=30 * 86400)).json()
    assert long["expires_in"] == 3600
    expires_at = UserToken.objects.get(user__public_id="l").expires_at
    assert abs((expires_at - timezone.now()) - timedelta(seconds=3600)) < timedelta(seconds=5)


def test_me_returns_the_tokens_user(anonymous_api, mint):
    token = exchange(anonymous_api, mint({"user": {"id": "me-1"}})).json()["token"]
    response = anonymous_api.get("/api/v1/me", auth=token)
    assert response.status_code == 200 and response.json()["id"] == "me-1"


@pytest.mark.parametrize(
    ("payload", "kwargs", "status", "code"),
    [
        ({"user": {"id": "x"}}, {"expires_in": -3600}, 401, "token_expired"),
        ({"user": {"id": "x"}}, {"secret": "f" * 64}, 401, "invalid_signature"),
        ({"id": "nobody"}, {}, 401, "user_not_found"),
        ({"nothing": 1}, {}, 401, "invalid_claims"),
    ],
)
def test_a_refused_code_gives_the_audit_reason_as_code(
    anonymous_api, mint, payload, kwargs, status, code
):
    response = exchange(anonymous_api, mint(payload, **kwargs))
    body = assert_json_error(response, status, code)
    event = AuthEvent.objects.get(reference=body["reference"])
    assert (event.outcome, event.reason) == (Outcome.FAILURE, code)
    assert not UserToken.objects.exists() and not User.objects.filter(public_id="x").exists()


def test_a_forged_or_garbled_code_is_refused(anonymous_api, secret):
    assert_json_error(exchange(anonymous_api, "not.a.jwt"), 401, "malformed_token")
    assert_json_error(exchange(anonymous_api, ""), 401, "malformed_token")


def test_with_jwt_switched_off_the_code_is_refused_403(anonymous_api, db):
    assert_json_error(exchange(anonymous_api, "a.b.c"), 403, "jwt_disabled")


def test_a_new_user_without_a_free_seat_is_a_409(anonymous_api, mint, make_user):
    make_user()
    services.set_seat_limit(limit=1)
    assert_json_error(
        exchange(anonymous_api, mint({"user": {"id": "n"}})), 409, "seat_limit_reached"
    )
    assert not User.objects.filter(public_id="n").exists()


def test_failures_are_rate_limited_like_url_logins_but_signed_codes_still_work(anonymous_api, mint):
    from django.core.cache import cache

    from parley.external_auth.services import update_policy

    cache.clear()
    update_policy(failure_limit=3)
    codes = [exchange(anonymous_api, "x.y.z").json()["code"] for _ in range(5)]
    assert codes == ["malformed_token"] * 3 + ["rate_limited"] * 2
    assert exchange(anonymous_api, mint({"user": {"id": "u"}})).status_code == 200
    cache.clear()


def test_the_code_field_is_required(anonymous_api, secret):
    response = anonymous_api.post("/api/v1/auth/external", {"code": "x"})
    assert_json_error(response, 422, "validation_failed")


def test_a_user_token_is_refused_on_admin_endpoints(anonymous_api, mint):
    token = exchange(anonymous_api, mint({"user": {"id": "u"}})).json()["token"]
    for path in ("/api/v1/users", "/api/v1/seats", "/api/v1/audit-events"):
        assert_json_error(anonymous_api.get(path, auth=token), 403, "admin_key_required")
    response = anonymous_api.post("/api/v1/users", {"email": "x@example.com"}, auth=token)
    assert_json_error(response, 403, "admin_key_required")


def test_an_admin_key_is_refused_on_me(api):
    assert_json_error(api.get("/api/v1/me"), 403, "user_token_required")


def test_me_refuses_missing_unknown_expired_and_deactivated(anonymous_api, mint):
    assert_json_error(anonymous_api.get("/api/v1/me"), 401, "unauthorized")
    assert_json_error(anonymous_api.get("/api/v1/me", auth="pu_sess_nope"), 401, "token_invalid")
    token = exchange(anonymous_api, mint({"user": {"id": "d"}})).json()["token"]
    services.deactivate_user(user=User.objects.get(public_id="d"))
    assert_json_error(anonymous_api.get("/api/v1/me", auth=token), 403, "user_deactivated")
    services.reactivate_user(user=User.objects.get(public_id="d"))
    UserToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_json_error(anonymous_api.get("/api/v1/me", auth=token), 401, "session_expired")


@pytest.mark.parametrize("header", ["Bearer  {}", "bearer  {}", "BEARER   {}"])
def test_me_reads_the_bearer_header_as_the_widget_and_the_chat_stream_do(
    anonymous_api, mint, header
):
    # The scheme is case-insensitive and more than one space may follow it (RFC 9110 §11).
    token = exchange(anonymous_api, mint({"user": {"id": "spaced"}})).json()["token"]
    response = anonymous_api.client.get("/api/v1/me", HTTP_AUTHORIZATION=header.format(token))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == "spaced"


def test_logout_ends_the_token(anonymous_api, mint):
    token = exchange(anonymous_api, mint({"user": {"id": "bye"}})).json()["token"]
    assert anonymous_api.post("/api/v1/auth/logout", auth=token).status_code == 204
    assert_json_error(anonymous_api.get("/api/v1/me", auth=token), 401, "token_invalid")


def test_the_exchange_starts_no_browser_session(client, mint):
    code = mint({"user": {"id": "nb"}})
    client.post(
        "/api/v1/auth/external", {"externalAuthCode": code}, content_type="application/json"
    )
    assert "_auth_user_id" not in client.session


def test_a_token_has_a_time_limited_life(anonymous_api, mint):
    body = exchange(anonymous_api, mint({"user": {"id": "t"}}, expires_in=120)).json()
    assert body["expires_in"] <= 120
    expires_at = datetime.fromisoformat(body["expires_at"]).timestamp()
    assert time.time() < expires_at <= time.time() + 121
