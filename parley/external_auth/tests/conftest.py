"""Fixtures for the External Authentication tests."""

import socket
import urllib.request

import pytest

# Codes signed with the instance secret, and the API client, as the API tests make them.
from parley.api.tests.conftest import anonymous_api, jwt_secret, mint  # noqa: F401


@pytest.fixture
def no_network(monkeypatch):
    """Fails the test if anything tries to resolve a name or open a connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r:.200}")

    for target, name in [
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
        (urllib.request, "urlopen"),
    ]:
        monkeypatch.setattr(target, name, refuse)
    yield attempts
    assert attempts == [], "verification must never fetch anything"
