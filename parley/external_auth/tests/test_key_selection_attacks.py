"""Key-selection attacks through the real login path, with each way of configuring keys."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from parley.accounts.models import User, UserToken
from parley.audit.models import AuthEvent
from parley.external_auth import services

from .conftest import KeyServer
from .factories import compact, ec_private_key, public_jwk_json, public_pem, unsigned

SECRET_ONLY, PEM_PUBLIC_KEY, JWKS_URL = "secret only", "PEM public key", "JWKS URL"
ISSUER = ec_private_key("secp256r1", 21)
ISSUER_KID = "issuer-1"
ATTACKER = ec_private_key("secp256r1", 22)
ATTACKER_JWKS = "/attacker/jwks.json"  # on the same server, so a fetch of it is recorded
VICTIM = {"user": {"id": "victim", "email": "victim@example.com"}}
ONE_KEY_REFUSES = f"ES256 signature matches none of 1 public key(s) for kid '{ISSUER_KID}'"
HMAC_REFUSES = "HS256 signature matches none of 1 usable secret(s)"


@dataclass(frozen=True)
class Attack:
    alg: str
    make: Callable[[KeyServer], str]
    detail: str  # the audit detail once the code reaches the keys that can verify its alg


def es256_by_attacker(**header) -> str:
    return compact({"alg": "ES256", **header}, VICTIM, key=ATTACKER)


def hs256_by_attacker(**header) -> str:
    return compact({"alg": "HS256", **header}, VICTIM, key=b"e" * 32)


ATTACKER_JWK = json.loads(public_jwk_json(ATTACKER))
ATTACKER_OCT_JWK = {"kty": "oct", "k": base64.urlsafe_b64encode(b"e" * 32).decode()}
ATTACKS = {
    "kid path traversal": Attack(
        "ES256",
        lambda _: es256_by_attacker(kid="../../dev/null"),
        "no configured public key can verify ES256 for kid '../../dev/null'",
    ),
    "kid SQL": Attack(
        "ES256",
        lambda _: es256_by_attacker(kid="' OR 1=1 --"),
        'no configured public key can verify ES256 for kid "\' OR 1=1 --"',
    ),
    "ES256 zero signature": Attack(
        "ES256",
        lambda _: unsigned({"alg": "ES256", "kid": ISSUER_KID}, VICTIM, bytes(64)),
        ONE_KEY_REFUSES,
    ),
    "embedded jwk": Attack(
        "ES256",
        lambda _: es256_by_attacker(kid=ISSUER_KID, jwk=ATTACKER_JWK),
        ONE_KEY_REFUSES,
    ),
    "jku to the attacker's key set": Attack(
        "ES256",
        lambda server: es256_by_attacker(kid=ISSUER_KID, jku=server.origin + ATTACKER_JWKS),
        ONE_KEY_REFUSES,
    ),
    "x5u to the attacker's certificate": Attack(
        "ES256",
        lambda server: es256_by_attacker(kid=ISSUER_KID, x5u=server.origin + "/attacker.pem"),
        ONE_KEY_REFUSES,
    ),
    "HS256 with an embedded oct jwk": Attack(
        "HS256", lambda _: hs256_by_attacker(jwk=ATTACKER_OCT_JWK), HMAC_REFUSES
    ),
    "HS256 with a jku": Attack(
        "HS256",
        lambda server: hs256_by_attacker(jku=server.origin + ATTACKER_JWKS),
        HMAC_REFUSES,
    ),
}


@pytest.fixture(params=[SECRET_ONLY, PEM_PUBLIC_KEY, JWKS_URL])
def configuration(request, db, key_server):
    """JWT on (so a secret exists), plus the issuer's key pasted as PEM or served as JWKS;
    the attacker's key set waits on the same server in case anything follows a jku."""
    services.enable_jwt()
    if request.param == PEM_PUBLIC_KEY:
        services.add_public_key(pem=public_pem(ISSUER), kid=ISSUER_KID)
    elif request.param == JWKS_URL:
        services.update_policy(jwks_allow_private_network=True)  # the server is on 127.0.0.1
        services.set_jwks_url(url=key_server.url, allow_private_network=True)
        key_server.publish((ISSUER, ISSUER_KID))
    key_server.publish((ATTACKER, ISSUER_KID), path=ATTACKER_JWKS)
    return request.param


def expected_refusal(attack: Attack, configuration: str) -> tuple[str, str]:
    if attack.alg == "ES256" and configuration == SECRET_ONLY:
        return "unsupported_algorithm", "alg ES256 needs a public key; none is configured"
    return "invalid_signature", attack.detail


def expected_fetches(attack: Attack, configuration: str) -> set[str]:
    """Only the configured key set is ever fetched, and only to find an ES256 key."""
    return {"/jwks.json"} if attack.alg == "ES256" and configuration == JWKS_URL else set()


@pytest.mark.parametrize("name", ATTACKS)
def test_a_key_selection_attack_on_the_login_url_is_refused_and_audited(
    client, make_user, key_server, configuration, name
):
    attack = ATTACKS[name]
    client.force_login(make_user(public_id="bystander"))
    response = client.get("/", {"externalAuthCode": attack.make(key_server)})
    assert response.status_code == 401
    event = AuthEvent.objects.get(method="jwt")
    reason, detail = expected_refusal(attack, configuration)
    assert (event.outcome, event.reason, event.detail) == ("failure", reason, detail)
    assert event.reference.encode() in response.content
    assert list(User.objects.values_list("public_id", flat=True)) == ["bystander"]
    assert "_auth_user_id" not in client.session  # the bystander's session ended too
    assert set(key_server.paths) == expected_fetches(attack, configuration)


@pytest.mark.parametrize("name", ATTACKS)
def test_a_key_selection_attack_on_the_api_exchange_is_refused_and_audited(
    client, key_server, configuration, name
):
    attack = ATTACKS[name]
    response = client.post(
        "/api/v1/auth/external",
        {"externalAuthCode": attack.make(key_server)},
        content_type="application/json",
    )
    reason, detail = expected_refusal(attack, configuration)
    assert response.status_code == 401 and response.json()["code"] == reason
    event = AuthEvent.objects.get(reference=response.json()["reference"])
    assert (event.outcome, event.reason, event.detail) == ("failure", reason, detail)
    assert not User.objects.exists() and not UserToken.objects.exists()
    assert "_auth_user_id" not in client.session
    assert set(key_server.paths) == expected_fetches(attack, configuration)
