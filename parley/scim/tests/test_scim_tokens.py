"""Only a live SCIM token opens /scim/v2/: an absent, forged, oversized or revoked one gets a
SCIM 401, audited; bodies that are not JSON or too large get a SCIM error; every change is
audited with the token's name."""

import pytest

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.scim import tokens
from parley.scim.models import ScimToken

from .conftest import USER_SCHEMA


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer pscim_forged-token-that-was-never-issued",
        "Bearer pk_live_an-admin-api-key",
        "Bearer pscim_" + "a" * 5000,
    ],
)
def test_requests_without_a_valid_token_get_a_scim_401_and_are_audited(
    client, db, fresh_rate_limits, authorization
):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/scim/v2/Users", **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/scim+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    event = AuthEvent.objects.get()
    assert (event.method, event.outcome, event.reason) == ("scim", "failure", "scim_token_invalid")


def test_a_guesser_is_refused_with_429_after_the_limit_and_fills_no_audit_log(
    client, scim, fresh_rate_limits
):
    wrong = {"HTTP_AUTHORIZATION": "Bearer pscim_guess"}
    statuses = [client.get("/scim/v2/Users", **wrong).status_code for _ in range(25)]

    assert statuses == [401] * tokens.FAILURE_LIMIT + [429] * (25 - tokens.FAILURE_LIMIT)
    assert AuthEvent.objects.filter(reason="scim_token_invalid").count() == tokens.FAILURE_LIMIT
    assert scim.get("Users").status_code == 200  # a good token from the same address works


def test_a_revoked_token_is_refused_at_once(scim, scim_token):
    token, _ = scim_token
    assert scim.get("Users").status_code == 200
    tokens.revoke_token(token=token, revoked_by="test")
    response = scim.post("Users", {"schemas": [USER_SCHEMA], "userName": "ann@example.com"})
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert not User.objects.exists()
    assert AuthEvent.objects.filter(reason="scim_token_revoked", outcome="failure").exists()


def test_the_token_is_stored_only_as_its_hash_and_its_use_is_stamped(scim, scim_token):
    token, secret = scim_token
    stored = ScimToken.objects.get()
    assert secret not in str(ScimToken.objects.values().get())
    assert stored.token_hash != secret and len(stored.token_hash) == 64
    assert stored.last_used_at is None
    scim.get("Users")
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.parametrize(
    "raw", ["{not json", "[1, 2]", '{"userName": "a@example.com", "userName": "b@example.com"}']
)
def test_a_body_that_is_not_one_json_object_is_a_scim_400(scim, raw):
    response = scim.post("Users", raw=raw)
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidSyntax"
    assert not User.objects.exists()


def test_an_oversized_body_is_refused_with_a_scim_error(scim):
    body = '{"userName": "a@example.com", "displayName": "' + "x" * 600_000 + '"}'
    response = scim.post("Users", raw=body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/scim+json"
    assert not User.objects.exists()


def test_every_change_is_audited_with_the_tokens_name(scim):
    ann = scim.create_user("ann@example.com", externalId="emp-1")["id"]
    scim.patch(f"Users/{ann}", {"op": "replace", "path": "active", "value": False})
    group = scim.create_group("Sales")["id"]
    scim.patch(f"Groups/{group}", {"op": "add", "path": "members", "value": [{"value": ann}]})
    scim.patch(f"Groups/{group}", {"op": "replace", "path": "externalId", "value": "okta-1"})
    scim.delete(f"Groups/{group}")
    scim.delete(f"Users/{ann}")
    events = AuthEvent.objects.exclude(reason="scim_token_created").order_by("id")
    assert [(e.method, e.reason) for e in events] == [
        ("scim", "scim_user_created"),
        ("scim", "scim_user_deactivated"),
        ("admin", "group_created"),
        ("admin", "group_member_added"),
        ("scim", "scim_group_changed"),
        ("admin", "group_deleted"),
        ("scim", "scim_user_deleted"),
    ]
    assert {e.actor for e in events} == {"SCIM token “Okta production”"}
    assert events.get(reason="scim_user_created").public_user_id == "emp-1"
    assert events.get(reason="group_member_added").public_user_id == "emp-1"
    assert "Okta production" in events.get(reason="scim_user_deactivated").detail


def test_reads_are_not_audited(scim):
    scim.get("Users")
    scim.get("ServiceProviderConfig")
    assert list(AuthEvent.objects.values_list("reason", flat=True)) == ["scim_token_created"]


def test_unknown_paths_and_methods_answer_scim_errors(scim):
    assert scim.get("Nope").json()["status"] == "404"
    response = scim.post("ServiceProviderConfig", {})
    assert response.status_code == 405 and response.json()["status"] == "405"
    assert scim.post(".search", {}).status_code == 501
