"""Absurd time claims (`exp`, `nbf`, `iat` of 1e11 or more either way: 10**400, 1e300) in a
correctly signed code are `malformed_token` (401, audited) on every path, never a 500."""

import json

import pytest
from django.test import Client

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.external_auth import services, tester

from .factories import compact

ABSURD = ["10" + "0" * 400, "1e300", "-1e300", "100000000000", "-100000000000", "1.5e11"]
CLAIMS = ["exp", "nbf", "iat"]


@pytest.fixture
def signed(secret):
    """A code signed with the instance secret whose `claim` is the raw JSON number `number`."""

    def make(claim, number, **payload):
        body = json.dumps({"user": {"id": "sam"}, **payload})[:-1] + f', "{claim}": {number}}}'
        return compact({"alg": "HS256", "typ": "JWT"}, body, key=secret.encode())

    return make


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("number", ABSURD)
def test_an_absurd_time_claim_in_a_login_url_is_a_malformed_code(client, signed, claim, number):
    client.raise_request_exception = False
    response = client.get("/", {"externalAuthCode": signed(claim, number)})
    assert response.status_code == 401
    event = AuthEvent.objects.get()
    assert event.reason == "malformed_token"
    assert event.detail.startswith(f"{claim} ") and "not a plausible time" in event.detail
    assert event.reference in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("number", ["10" + "0" * 400, "1e300"])
def test_an_absurd_exp_with_one_time_use_on_is_a_malformed_code(client, signed, number):
    services.update_policy(one_time_jti=True)
    client.raise_request_exception = False
    response = client.get("/", {"externalAuthCode": signed("exp", number, jti="j-1")})
    assert response.status_code == 401
    assert AuthEvent.objects.get().reason == "malformed_token"


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("number", ["10" + "0" * 400, "1e300"])
def test_an_absurd_time_claim_in_the_api_exchange_is_a_malformed_code(signed, claim, number):
    api = Client(raise_request_exception=False)
    response = api.post(
        "/api/v1/auth/external",
        {"externalAuthCode": signed(claim, number)},
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "malformed_token"
    assert AuthEvent.objects.get(reference=body["reference"]).reason == "malformed_token"


def test_a_far_but_plausible_exp_still_logs_in_with_one_time_use_on(client, signed):
    services.update_policy(one_time_jti=True)
    response = client.get("/", {"externalAuthCode": signed("exp", "99999999999", jti="j-2")})
    assert response.status_code == 303


@pytest.mark.parametrize("claim", CLAIMS)
def test_the_token_tester_shows_an_absurd_time_claim_as_a_failed_time_check(signed, claim):
    report = tester.test_code(code=signed(claim, "1e300"))
    time_check = next(check for check in report.checks if check.name == tester.TIME)
    assert time_check.status == "fail"
    assert "not a plausible time" in time_check.detail
    assert report.outcome.error_code == "malformed_token"


def test_the_token_tester_page_shows_an_absurd_exp_cleanly(admin_client, signed):
    from django.urls import reverse

    page = admin_client.post(reverse("adminpanel:tester"), {"code": signed("exp", "1" + "0" * 400)})
    assert page.status_code == 200
    assert "not a plausible time" in page.content.decode()
