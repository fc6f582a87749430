"""Fixtures for the SSO tests: an issuer on 127.0.0.1 whose discovery document and keys a
test controls, and id_tokens signed with its key."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from jwt.algorithms import RSAAlgorithm

from parley.external_auth.tests.conftest import KeyServer

CLIENT_ID = "parley-client"


class FakeIssuer(KeyServer):
    """A discovery document at /.well-known/openid-configuration, its keys at /jwks.json."""

    def __init__(self):
        super().__init__()
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        self.body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
        self.body = self.body.encode()
        self.discovery = {
            "issuer": self.origin,
            "authorization_endpoint": f"{self.origin}/auth",
            "token_endpoint": f"{self.origin}/token",
            "userinfo_endpoint": f"{self.origin}/me",
            "jwks_uri": self.url,
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
        self.serve_discovery()

    def serve_discovery(self, document=None, raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(document or self.discovery).encode()
        self.bodies["/.well-known/openid-configuration"] = body

    def id_token(self, *, key=None, algorithm="RS256", kid="k1", **claims) -> str:
        now = int(time.time())
        payload = {
            "iss": self.origin,
            "aud": CLIENT_ID,
            "sub": "subject-1",
            "iat": now,
            "exp": now + 300,
            "nonce": "the-nonce",
            **claims,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(
            payload, key or self.private_key, algorithm=algorithm, headers={"kid": kid}
        )


@pytest.fixture
def issuer(settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    cache.clear()
    server = FakeIssuer()
    yield server
    server.httpd.shutdown()
    cache.clear()
