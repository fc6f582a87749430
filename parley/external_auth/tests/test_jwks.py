"""Public keys from a JWKS URL: selected by kid, fetched once and cached, refetched for an
unknown kid at most once a minute, never from another host, a file or a data: URL."""

import time

import jwt
import pytest
from django.core.cache import cache

from parley.accounts.models import User
from parley.external_auth import services
from parley.external_auth.errors import KeyRejected
from parley.external_auth.jwks import MAX_BYTES, JwksSource, JwksUnavailable, fetch_jwks

from .factories import ec_private_key


def es256(payload, private_key, kid):
    return jwt.encode(payload, private_key, algorithm="ES256", headers={"kid": kid})


def test_a_code_signed_by_a_key_in_the_jwks_logs_in_and_the_set_is_fetched_once(
    client, db, key_server
):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url)
    signer = ec_private_key("secp256r1", 11)
    key_server.publish((ec_private_key("secp256r1", 12), "other"), (signer, "k-2026"))
    for n in range(3):
        token = es256({"user": {"id": f"idp-{n}"}}, signer, "k-2026")
        assert client.get("/", {"externalAuthCode": token}).status_code == 303
        client.logout()  # three different people, so no "switch account?" page between
    assert User.objects.filter(public_id__startswith="idp-").count() == 3
    assert key_server.hits == 1


def test_an_unknown_kid_refetches_at_most_once_a_minute(client, db, key_server):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url)
    key_server.publish((ec_private_key("secp256r1", 11), "known"))
    stranger = ec_private_key("secp256r1", 13)
    for n in range(20):
        token = es256({"user": {"id": "x"}}, stranger, f"random-{n}")
        assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert key_server.hits == 2  # the first fetch, then one refetch for unknown kids


def test_a_rotated_issuer_key_is_picked_up_by_the_unknown_kid_refetch(client, db, key_server):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url)
    old, new = ec_private_key("secp256r1", 11), ec_private_key("secp256r1", 14)
    key_server.publish((old, "old"))
    assert client.get("/", {"externalAuthCode": es256({"user": {"id": "a"}}, old, "old")})
    client.logout()
    key_server.publish((old, "old"), (new, "new"))
    response = client.get("/", {"externalAuthCode": es256({"user": {"id": "b"}}, new, "new")})
    assert response.status_code == 303


def test_a_redirect_to_another_host_is_not_followed(key_server):
    key_server.status, key_server.location = 302, "http://localhost:1/evil.json"
    with pytest.raises(JwksUnavailable, match="another host"):
        fetch_jwks(key_server.url)


def test_an_oversized_key_set_is_refused(key_server):
    key_server.body = b'{"keys": [' + b" " * (MAX_BYTES + 10) + b"]}"
    with pytest.raises(JwksUnavailable, match="larger than"):
        fetch_jwks(key_server.url)


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b'{"keys": "nope"}'])
def test_a_broken_key_set_yields_no_keys_and_no_crash(key_server, body):
    key_server.body = body
    with pytest.raises(JwksUnavailable):
        fetch_jwks(key_server.url)
    assert JwksSource(key_server.url).keys_for("k") == []


def test_an_unreachable_jwks_refuses_the_code_without_hanging(client, db):
    cache.clear()
    services.enable_jwt()
    services.set_jwks_url(url="http://127.0.0.1:9/jwks.json")
    token = es256({"user": {"id": "x"}}, ec_private_key("secp256r1", 11), "k")
    started = time.monotonic()
    assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:application/json,{}",
        "ftp://example.com/jwks",
        "http://example.com/jwks.json",
        "https://user:pw@example.com/jwks",
        "javascript:alert(1)",
    ],
)
def test_jwks_urls_other_than_https_are_refused(db, url):
    with pytest.raises(KeyRejected):
        services.set_jwks_url(url=url)
    assert services.get_jwt_settings().jwks_url == ""


def test_an_empty_jwks_url_clears_it(db):
    services.set_jwks_url(url="https://idp.example.com/.well-known/jwks.json")
    services.set_jwks_url(url="  ")
    assert services.get_jwt_settings().jwks_url == ""
