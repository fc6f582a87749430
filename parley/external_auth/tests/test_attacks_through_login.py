"""Hostile codes through the real login path: each is refused with the error page, creates
nothing, ends no one's seat, and leaves an audit event with the exact reason."""

import time

import jwt
import pytest
from django.core.cache import cache

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.external_auth import services

from .factories import compact, ec_private_key, public_der, public_jwk_json, public_pem, unsigned

NOW = int(time.time())


def make_attacks(secret: str) -> dict[str, tuple[str, str]]:
    """name -> (code, expected audit reason)."""
    key = secret.encode()
    victim = {"user": {"id": "victim", "email": "victim@example.com"}}
    ec_key = ec_private_key()
    good = jwt.encode(victim, secret)
    header, payload, signature = good.split(".")
    return {
        "alg none": (unsigned({"alg": "none"}, victim), "unsupported_algorithm"),
        "alg NoNe": (unsigned({"alg": "NoNe"}, victim), "unsupported_algorithm"),
        "unknown alg": (unsigned({"alg": "HS1024"}, victim, b"x" * 32), "unsupported_algorithm"),
        "crit unknown": (
            compact({"alg": "HS256", "crit": ["exp-magic"], "exp-magic": 1}, victim, key=key),
            "unsupported_algorithm",
        ),
        "HS256 keyed with public PEM": (
            compact({"alg": "HS256"}, victim, key=public_pem(ec_key).encode()),
            "invalid_signature",
        ),
        "HS256 keyed with public DER": (
            compact({"alg": "HS256"}, victim, key=public_der(ec_key)),
            "invalid_signature",
        ),
        "HS256 keyed with JWK JSON": (
            compact({"alg": "HS256"}, victim, key=public_jwk_json(ec_key).encode()),
            "invalid_signature",
        ),
        "wrong secret": (jwt.encode(victim, "w" * 43), "invalid_signature"),
        "truncated": (good[: len(good) // 2], "malformed_token"),
        "extra segment": (good + ".xyz", "malformed_token"),
        "bad base64": (f"{header}.{payload}!.{signature}", "malformed_token"),
        "non-JSON payload": (compact({"alg": "HS256"}, "not json", key=key), "malformed_token"),
        "JSON array payload": (compact({"alg": "HS256"}, "[1, 2]", key=key), "malformed_token"),
        "duplicate keys": (
            compact({"alg": "HS256"}, '{"id": "victim", "id": "admin"}', key=key),
            "malformed_token",
        ),
        "oversized": (
            jwt.encode({"user": {"id": "v", "pad": "x" * 9000}}, secret),
            "malformed_token",
        ),
        "expired": (jwt.encode({**victim, "exp": NOW - 3600}, secret), "token_expired"),
        "nbf in future": (jwt.encode({**victim, "nbf": NOW + 3600}, secret), "token_not_yet_valid"),
        "iat in future": (jwt.encode({**victim, "iat": NOW + 3600}, secret), "token_not_yet_valid"),
        "non-numeric exp": (
            compact({"alg": "HS256"}, {**victim, "exp": "tomorrow"}, key=key),
            "malformed_token",
        ),
        "id float": (jwt.encode({"id": 12.5}, secret), "invalid_claims"),
        "id bool": (jwt.encode({"id": True}, secret), "invalid_claims"),
        "id object": (jwt.encode({"id": {"$ne": 1}}, secret), "invalid_claims"),
        "id empty": (jwt.encode({"id": ""}, secret), "invalid_claims"),
        "user.id empty": (jwt.encode({"user": {"id": ""}}, secret), "invalid_claims"),
        "user.id too long": (jwt.encode({"user": {"id": "x" * 256}}, secret), "invalid_claims"),
        "user.id control chars": (jwt.encode({"user": {"id": "a\nb"}}, secret), "invalid_claims"),
        "user.id object": (jwt.encode({"user": {"id": {"a": 1}}}, secret), "invalid_claims"),
        "empty": ("", "malformed_token"),
    }


@pytest.fixture
def secret(db):
    cache.clear()
    yield services.enable_jwt()
    cache.clear()


ATTACKS = list(make_attacks("s" * 43))


@pytest.mark.parametrize("name", ATTACKS)
def test_hostile_code_is_refused_creates_nothing_and_is_audited(client, secret, make_user, name):
    bystander = make_user(public_id="bystander")
    client.force_login(bystander)
    code, reason = make_attacks(secret)[name]
    response = client.get("/", {"externalAuthCode": code})
    assert response.status_code == 401, name
    assert not User.objects.filter(public_id__in=["victim", "v", "admin"]).exists()
    assert User.objects.count() == 1
    event = AuthEvent.objects.filter(method="jwt").get()
    assert (event.outcome, event.reason) == ("failure", reason), event.detail
    assert event.reference.encode() in response.content
    assert "_auth_user_id" not in client.session  # the bystander's session ended too
    if code:
        assert code.encode() not in response.content


def test_wrong_issuer_even_one_containing_the_expected_issuer_is_refused(client, secret, make_user):
    make_user(public_id="me")
    services.update_policy(issuer="https://crm.example.com", audience="parley")
    for iss in ("https://crm.example.com.evil.io", "https://evil/https://crm.example.com"):
        token = jwt.encode({"id": "me", "iss": iss, "aud": "parley"}, secret)
        assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert AuthEvent.objects.filter(reason="invalid_issuer").count() == 2
    token = jwt.encode({"id": "me", "iss": "https://crm.example.com", "aud": "other"}, secret)
    assert client.get("/", {"externalAuthCode": token}).status_code == 401
    assert AuthEvent.objects.filter(reason="invalid_audience").count() == 1
    good = jwt.encode({"id": "me", "iss": "https://crm.example.com", "aud": "parley"}, secret)
    assert client.get("/", {"externalAuthCode": good}).status_code == 303


def test_the_email_of_a_jwt_user_cannot_be_claimed_by_another_user_id(client, secret):
    first = jwt.encode({"user": {"id": "a", "email": "shared@example.com"}}, secret)
    assert client.get("/", {"externalAuthCode": first}).status_code == 303
    second = jwt.encode({"user": {"id": "b", "email": "shared@example.com"}}, secret)
    response = client.get("/", {"externalAuthCode": second})
    assert response.status_code == 409
    assert not User.objects.filter(public_id="b").exists()
    assert AuthEvent.objects.order_by("-id").first().reason == "identity_conflict"


def test_an_email_user_is_linked_when_linking_is_on_and_refused_when_off(client, secret, make_user):
    existing = make_user(email="lee@example.com")
    services.update_policy(link_by_email=False)
    token = jwt.encode({"user": {"id": "crm-lee", "email": "lee@example.com"}}, secret)
    assert client.get("/", {"externalAuthCode": token}).status_code == 409
    services.update_policy(link_by_email=True)
    assert client.get("/", {"externalAuthCode": token}).status_code == 303
    existing.refresh_from_db()
    assert existing.public_id == "crm-lee" and User.objects.count() == 1
