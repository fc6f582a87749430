"""Admin API keys: shown once, stored hashed, checked on every request, revocable, and never
confused with a user's token or a browser session."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parley.api import keys
from parley.api.models import ApiKey

from .conftest import assert_json_error


def test_a_key_is_returned_once_and_only_its_hash_is_stored(make_api_key):
    key, secret = make_api_key(name="CRM")
    assert secret.startswith("pk_live_") and len(secret) > 40
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.key_hash == keys.hash_secret(secret)
    assert secret not in (stored.key_hash, stored.prefix)
    assert secret.startswith(stored.prefix)


def test_a_valid_key_opens_the_admin_endpoints(api):
    assert api.get("/api/v1/seats").status_code == 200


def test_no_key_is_refused_with_401_json(anonymous_api):
    response = anonymous_api.get("/api/v1/users")
    assert_json_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_key_is_refused_with_401_json(api):
    response = api.get("/api/v1/users", auth="pk_live_not-a-real-key")
    assert_json_error(response, 401, "api_key_invalid")
    assert_json_error(api.get("/api/v1/users", auth="garbage"), 401, "api_key_invalid")


def test_a_revoked_key_is_refused_with_401_json(anonymous_api, make_api_key):
    key, secret = make_api_key()
    keys.revoke_api_key(key=key)
    assert_json_error(anonymous_api.get("/api/v1/users", auth=secret), 401, "api_key_revoked")


def test_a_basic_auth_header_is_not_a_bearer_key(anonymous_api, client, make_api_key):
    _, secret = make_api_key()
    response = client.get("/api/v1/users", HTTP_AUTHORIZATION=f"Basic {secret}")
    assert_json_error(response, 401, "unauthorized")


def test_a_logged_in_admin_browser_session_is_not_accepted(admin_client):
    # Cookie sessions never authenticate the API, so the API needs no CSRF protection.
    assert_json_error(admin_client.get("/api/v1/users"), 401, "unauthorized")
    response = admin_client.post("/api/v1/users", "{}", content_type="application/json")
    assert_json_error(response, 401, "unauthorized")


def test_requests_with_a_key_need_no_csrf_token(client, make_api_key):
    from django.test import Client

    _, secret = make_api_key()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/users",
        '{"email": "csrf@example.com"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201


def test_last_used_is_recorded_at_most_once_a_minute(api):
    key = ApiKey.objects.get()
    assert key.last_used_at is None
    api.get("/api/v1/seats")
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    api.get("/api/v1/seats")
    assert ApiKey.objects.get().last_used_at == first
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    api.get("/api/v1/seats")
    assert ApiKey.objects.get().last_used_at > first


def test_find_by_id_or_prefix_and_revoke_keeps_the_first_time(make_api_key):
    key, _ = make_api_key()
    assert keys.find_api_key(reference=str(key.pk)) == key
    assert keys.find_api_key(reference=key.prefix) == key
    revoked = keys.revoke_api_key(key=key)
    first = revoked.revoked_at
    assert keys.revoke_api_key(key=key).revoked_at == first


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\there"])
def test_a_key_needs_a_sensible_name(db, name):
    from parley.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        keys.create_api_key(name=name, role="owner", acting_role="owner")
    assert not ApiKey.objects.exists()
