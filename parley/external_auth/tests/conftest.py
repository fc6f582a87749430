"""Fixtures for the External Authentication tests."""

import json
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from jwt.algorithms import ECAlgorithm

# The API client, as the API tests make it.
from parley.api.tests.conftest import anonymous_api  # noqa: F401


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


class KeyServer:
    """A JWKS endpoint on 127.0.0.1 whose answers a test controls and which records every
    path asked for. `body` answers /jwks.json (`url`) and any path without its own body."""

    def __init__(self):
        self.body = b'{"keys": []}'
        self.bodies: dict[str, bytes] = {}  # path -> body, for paths other than /jwks.json
        self.status = 200
        self.location = None
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.paths.append(self.path)
                self.send_response(server.status)
                if server.location:
                    self.send_header("Location", server.location)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(server.bodies.get(self.path, server.body))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_port}"
        self.url = f"{self.origin}/jwks.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def hits(self) -> int:
        return len(self.paths)

    def publish(self, *entries, path: str | None = None):
        """Serve the ES256 public halves of (private key, kid) pairs, at /jwks.json or `path`."""
        keys = []
        for private_key, kid in entries:
            jwk = json.loads(ECAlgorithm.to_jwk(private_key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "ES256"})
        body = json.dumps({"keys": keys}).encode()
        if path is None:
            self.body = body
        else:
            self.bodies[path] = body


@pytest.fixture
def key_server():
    cache.clear()
    server = KeyServer()
    yield server
    server.httpd.shutdown()
    cache.clear()


@pytest.fixture
def code(secret):
    """Signs a code with the instance secret as an integrator does (`exp` a week ahead;
    keyword arguments other than key and expires_in go into the header)."""
    import time

    import jwt

    def make(payload, *, key=None, expires_in=7 * 24 * 3600, **headers):
        claims = dict(payload)
        if expires_in is not None:
            claims.setdefault("iat", int(time.time()))
            claims.setdefault("exp", claims["iat"] + expires_in)
        return jwt.encode(claims, key or secret, algorithm="HS256", headers=headers or None)

    return make


@pytest.fixture
def use_redis(settings):
    """Serves the cache from the Redis at `url`, as REDIS_URL does (parley/settings.py),
    under a key prefix of this test's own that is deleted afterwards."""
    import uuid

    import redis

    from parley.ops import cache as ops_cache

    prefix = f"parley-test-{uuid.uuid4().hex[:12]}"
    used = []

    def use(url):
        used.append(url)
        ops_cache._health.down_until = 0.0
        ops_cache._health.pending.clear()
        settings.REDIS_URL = url
        settings.CACHES = {
            "default": {
                "BACKEND": "parley.ops.cache.FaultTolerantRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
            }
        }

    yield use
    for url in used:
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        except redis.ConnectionError:
            pass  # a Redis the test stopped or never had holds nothing to clean
    ops_cache._health.down_until = 0.0
    ops_cache._health.pending.clear()
