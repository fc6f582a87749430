"""Redis unreachable while the database is up: every JWT login attempt is still in the audit
log. A code that fails verification cannot be counted toward the limit, so it gets a 503
(audited `cache_unavailable`); a good code does not need Redis and logs in."""

import pytest
from django.test import Client

from parley.audit.models import AuthEvent
from parley.external_auth import services
from parley.tests.serving import free_port

FORGED = "wrong-secret-wrong-secret-wrong-secret"


@pytest.fixture
def redis_down(use_redis):
    use_redis(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)  # the 503 page, as a browser gets it


def test_a_forged_code_answers_503_and_is_audited(browser, code, redis_down):
    response = browser.get("/", {"externalAuthCode": code({"id": "x"}, key=FORGED)})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    event = AuthEvent.objects.get()
    assert (event.outcome, event.reason) == ("failure", "cache_unavailable")
    assert "signature matches none" in event.detail and "Redis unreachable" in event.detail
    assert event.reference in response.content.decode()


def test_a_forged_code_at_the_api_answers_503_with_the_audit_reference(code, redis_down):
    response = Client(raise_request_exception=False).post(
        "/api/v1/auth/external",
        {"externalAuthCode": code({"id": "x"}, key=FORGED)},
        content_type="application/json",
    )
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "cache_unavailable"
    event = AuthEvent.objects.get(reference=body["reference"])
    assert event.reason == "cache_unavailable"


def test_two_codes_in_one_url_answer_503_and_are_audited(browser, redis_down, secret):
    response = browser.get("/?externalAuthCode=a.b.c&externalAuthCode=d.e.f")
    assert response.status_code == 503
    assert AuthEvent.objects.get().reference in response.content.decode()


def test_a_good_one_time_code_logs_in_and_a_replay_is_refused(browser, code, make_user, redis_down):
    services.update_policy(one_time_jti=True)
    make_user(public_id="me")
    token = code({"id": "me", "jti": "outage-1"})
    assert browser.get("/", {"externalAuthCode": token}).status_code == 303
    browser.logout()
    assert browser.get("/", {"externalAuthCode": token}).status_code == 401
    reasons = list(AuthEvent.objects.order_by("id").values_list("reason", flat=True))
    assert reasons == ["ok", "token_replayed"]
