"""Fixtures for the External Authentication tests."""

import json
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from jwt.algorithms import ECAlgorithm


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
