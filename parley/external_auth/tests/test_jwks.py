"""Public keys from a JWKS URL: selected by kid, fetched once and cached, refetched for an
unknown kid at most once a minute, never from another host, a file or a data: URL, and never
from the private network unless the admin allows it. The key server here is on 127.0.0.1, so
these tests turn that switch on."""

import time

import jwt
import pytest
from django.core.cache import cache

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.errors import ParleyError
from parley.external_auth import services
from parley.external_auth.errors import KeyRejected
from parley.external_auth.jwks import (
    CACHE_SECONDS,
    MAX_BYTES,
    REFETCH_INTERVAL_SECONDS,
    STALE_SECONDS,
    JwksSource,
    JwksUnavailable,
    fetch_jwks,
)
from parley.external_auth.keys import KeySourceUnavailable
from parley.outbound import UrlRefused

from .factories import ec_private_key


def es256(payload, private_key, kid):
    return jwt.encode(payload, private_key, algorithm="ES256", headers={"kid": kid})


def test_a_code_signed_by_a_key_in_the_jwks_logs_in_and_the_set_is_fetched_once(
    client, db, key_server
):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url, allow_private_network=True)
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
    services.set_jwks_url(url=key_server.url, allow_private_network=True)
    key_server.publish((ec_private_key("secp256r1", 11), "known"))
    stranger = ec_private_key("secp256r1", 13)
    for n in range(20):
        token = es256({"user": {"id": "x"}}, stranger, f"random-{n}")
        assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert key_server.hits == 2  # the first fetch, then one refetch for unknown kids


def test_a_rotated_issuer_key_is_picked_up_by_the_unknown_kid_refetch(client, db, key_server):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url, allow_private_network=True)
    old, new = ec_private_key("secp256r1", 11), ec_private_key("secp256r1", 14)
    key_server.publish((old, "old"))
    assert client.get("/", {"externalAuthCode": es256({"user": {"id": "a"}}, old, "old")})
    client.logout()
    key_server.publish((old, "old"), (new, "new"))
    response = client.get("/", {"externalAuthCode": es256({"user": {"id": "b"}}, new, "new")})
    assert response.status_code == 303


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time() forward: the cache's expiry and the JWKS stale bound follow it."""
    real = time.time
    moved = {"seconds": 0.0}
    monkeypatch.setattr(time, "time", lambda: real() + moved["seconds"])

    def advance(seconds):
        moved["seconds"] += seconds

    return advance


def test_during_a_key_server_outage_the_last_good_key_set_serves_for_a_bounded_time(
    client, db, key_server, clock, caplog
):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url, allow_private_network=True)
    signer = ec_private_key("secp256r1", 11)
    key_server.publish((signer, "k-1"))

    def login(user_id):
        client.logout()
        token = es256({"user": {"id": user_id}}, signer, "k-1")
        return client.get("/", {"externalAuthCode": token}).status_code

    assert login("before") == 303
    key_server.status = 503
    clock(CACHE_SECONDS + 1)  # the cached set has expired; the refetch fails
    assert login("during-1") == 303
    assert "serving the key set fetched" in caplog.text and "stale" in caplog.text
    assert login("during-2") == 303
    assert key_server.hits == 2  # one failed refetch, not one per login

    clock(STALE_SECONDS)  # the last good set is now too old to trust
    assert login("too-late") == 401
    event = AuthEvent.objects.order_by("-id").first()
    assert event.reason == "invalid_signature"
    assert f"none fetched in the last {STALE_SECONDS}s" in event.detail
    assert "503" in event.detail

    key_server.status = 200
    clock(REFETCH_INTERVAL_SECONDS)
    assert login("after") == 303


def test_a_redirect_to_another_host_is_not_followed(key_server):
    key_server.status, key_server.location = 302, "http://localhost:1/evil.json"
    with pytest.raises(JwksUnavailable, match="another host"):
        fetch_jwks(key_server.url, allow_private_network=True)


def test_an_oversized_key_set_is_refused(key_server):
    key_server.body = b'{"keys": [' + b" " * (MAX_BYTES + 10) + b"]}"
    with pytest.raises(JwksUnavailable, match="larger than"):
        fetch_jwks(key_server.url, allow_private_network=True)


@pytest.mark.parametrize(
    "body", [b"not json", b"[1,2]", b'{"keys": "nope"}', b'{"keys": ' + b"[" * 100_000]
)
def test_a_broken_key_set_yields_no_keys_and_says_why(key_server, body):
    key_server.body = body
    with pytest.raises(JwksUnavailable):
        fetch_jwks(key_server.url, allow_private_network=True)
    with pytest.raises(KeySourceUnavailable, match="key set unavailable"):
        JwksSource(key_server.url, allow_private_network=True).keys_for("k")


def test_an_unreachable_jwks_refuses_the_code_without_hanging(client, db):
    cache.clear()
    services.enable_jwt()
    services.set_jwks_url(url="http://127.0.0.1:9/jwks.json", allow_private_network=True)
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
        services.set_jwks_url(url=url, allow_private_network=True)
    assert services.get_jwt_settings().jwks_url == ""


def test_an_empty_jwks_url_clears_it(db, fake_dns):
    fake_dns.add("idp.example.com", ["93.184.215.14"])
    services.set_jwks_url(
        url="https://idp.example.com/.well-known/jwks.json", allow_private_network=False
    )
    services.set_jwks_url(url="  ", allow_private_network=False)
    assert services.get_jwt_settings().jwks_url == ""


def test_without_the_switch_a_loopback_jwks_url_is_refused_when_saved(db, key_server):
    with pytest.raises(UrlRefused, match="127.0.0.1, a loopback address"):
        services.set_jwks_url(url=key_server.url, allow_private_network=False)
    assert services.get_jwt_settings().jwks_url == ""


def test_without_the_switch_a_stored_loopback_jwks_url_is_refused_at_fetch_and_audited(
    client, db, key_server
):
    services.enable_jwt()
    # Stored while the switch was on (or under older rules), then the switch went off.
    services.set_jwks_url(url=key_server.url, allow_private_network=True)
    services.update_policy(jwks_allow_private_network=False)
    key_server.publish((ec_private_key("secp256r1", 11), "k"))
    token = es256({"user": {"id": "x"}}, ec_private_key("secp256r1", 11), "k")
    assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert key_server.hits == 0
    event = AuthEvent.objects.latest("created_at")
    assert event.reason == "invalid_signature"
    assert f"key URL {key_server.url} refused" in event.detail
    assert "127.0.0.1, a loopback address" in event.detail


def test_a_name_that_later_resolves_to_the_metadata_address_is_refused_at_fetch(
    client, db, fake_dns
):
    cache.clear()
    fake_dns.add("idp.test", ["93.184.215.14"], ["169.254.169.254"])
    services.enable_jwt()
    services.set_jwks_url(url="https://idp.test/jwks.json", allow_private_network=False)
    token = es256({"user": {"id": "x"}}, ec_private_key("secp256r1", 11), "anything")
    assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert (
        "169.254.169.254, a cloud metadata address" in AuthEvent.objects.latest("created_at").detail
    )


def test_turning_the_switch_off_stops_using_keys_from_the_private_network(client, db, key_server):
    services.enable_jwt()
    services.set_jwks_url(url=key_server.url, allow_private_network=True)
    signer = ec_private_key("secp256r1", 11)
    key_server.publish((signer, "k"))
    first = client.get("/", {"externalAuthCode": es256({"user": {"id": "a"}}, signer, "k")})
    assert first.status_code == 303
    services.update_policy(jwks_allow_private_network=False)
    response = client.get("/", {"externalAuthCode": es256({"user": {"id": "b"}}, signer, "k")})
    assert response.status_code == 401
    assert not User.objects.filter(public_id="b").exists()


def test_every_way_of_storing_a_jwks_url_checks_it(db, key_server):
    with pytest.raises(ParleyError):
        services.update_policy(jwks_url=key_server.url)
    with pytest.raises(ParleyError):
        services.update_policy(jwks_url="ftp://idp.example.com/jwks.json")
    assert services.get_jwt_settings().jwks_url == ""
