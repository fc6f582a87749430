"""Factories for API tests: admin keys, user tokens and a client that speaks JSON."""

import json

import pytest

from parley.accounts.models import Role
from parley.api import keys


class ApiClient:
    """Django's test client with a bearer key and JSON bodies; `.auth` is the key sent."""

    def __init__(self, client, secret: str | None):
        self.client = client
        self.auth = secret

    def _headers(self, auth):
        auth = self.auth if auth is ... else auth
        return {"HTTP_AUTHORIZATION": f"Bearer {auth}"} if auth else {}

    def get(self, path, data=None, *, auth=...):
        return self.client.get(path, data, **self._headers(auth))

    def delete(self, path, *, auth=...):
        return self.client.delete(path, **self._headers(auth))

    def _send(self, method, path, body, auth):
        return getattr(self.client, method)(
            path, json.dumps(body), content_type="application/json", **self._headers(auth)
        )

    def post(self, path, body=None, *, auth=...):
        return self._send("post", path, body if body is not None else {}, auth)

    def patch(self, path, body, *, auth=...):
        return self._send("patch", path, body, auth)

    def put(self, path, body, *, auth=...):
        return self._send("put", path, body, auth)


@pytest.fixture
def make_api_key(db):
    def make(name="Back office", created_by="test", role=Role.OWNER):
        return keys.create_api_key(
            name=name, role=role, acting_role=Role.OWNER, created_by=created_by
        )

    return make


@pytest.fixture
def api(client, make_api_key):
    """An API client holding a valid admin key."""
    _, secret = make_api_key()
    return ApiClient(client, secret)


@pytest.fixture
def anonymous_api(client, db):
    return ApiClient(client, None)


def assert_json_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.content.decode()
    return body
