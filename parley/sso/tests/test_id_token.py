"""Every id_token is verified by Parley against the provider's keys (allauth alone skips the
signature of one from the token endpoint): forged, expired, wrong-algorithm, wrong
audience or issuer, oversized and malformed id_tokens are refused, and so is a nonce that
is not this sign-in's."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from parley.sso.errors import BadNonce, InvalidIdToken
from parley.sso.id_token import check_nonce, verify_id_token

from .conftest import CLIENT_ID


def verify(issuer, token):
    return verify_id_token(
        token, discovery=issuer.discovery, client_id=CLIENT_ID, allow_private_network=True
    )


def test_a_genuine_id_token_gives_its_claims(issuer):
    claims = verify(issuer, issuer.id_token(email="a@example.com"))
    assert (claims["sub"], claims["email"]) == ("subject-1", "a@example.com")


def test_an_id_token_signed_by_another_key_is_refused(issuer):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidIdToken, match="Signature verification failed"):
        verify(issuer, issuer.id_token(key=forger))


def test_an_expired_id_token_is_refused(issuer):
    past = int(time.time()) - 3600
    with pytest.raises(InvalidIdToken, match="expired"):
        verify(issuer, issuer.id_token(iat=past - 60, exp=past))


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"aud": "someone-else"}, "Audience doesn't match"),
        ({"iss": "https://evil.example"}, "Invalid issuer"),
        ({"exp": None}, 'missing the "exp" claim'),
        ({"sub": None}, 'missing the "sub" claim'),
    ],
)
def test_an_id_token_for_another_client_or_issuer_or_without_required_claims_is_refused(
    issuer, claims, why
):
    with pytest.raises(InvalidIdToken, match=why):
        verify(issuer, issuer.id_token(**claims))


def test_an_hmac_id_token_keyed_with_the_client_secret_is_refused(issuer):
    token = jwt.encode(
        {"sub": "x"}, "the-client-secret-" + "s" * 32, algorithm="HS256", headers={"kid": "k1"}
    )
    with pytest.raises(InvalidIdToken, match="alg 'HS256' is not one of"):
        verify(issuer, token)


def test_an_unsigned_id_token_is_refused(issuer):
    token = jwt.encode({"sub": "x"}, None, algorithm="none")
    with pytest.raises(InvalidIdToken, match="alg 'none' is not one of"):
        verify(issuer, token)


def test_an_algorithm_the_provider_does_not_announce_is_refused(issuer):
    token = issuer.id_token(algorithm="PS256")
    with pytest.raises(InvalidIdToken, match="alg 'PS256' is not one of \\['RS256'\\]"):
        verify(issuer, token)


def test_an_unknown_kid_is_refused(issuer):
    with pytest.raises(InvalidIdToken, match="no key .* for kid 'k2'"):
        verify(issuer, issuer.id_token(kid="k2"))


@pytest.mark.parametrize("token", ["", "a.b", "not a token", None, 42, "x" * 20_000])
def test_malformed_or_oversized_id_tokens_are_refused(issuer, token):
    with pytest.raises(InvalidIdToken):
        verify(issuer, token)


def test_the_nonce_must_be_the_one_this_sign_in_sent():
    check_nonce(claims={"nonce": "n1"}, expected="n1")
    with pytest.raises(BadNonce):
        check_nonce(claims={"nonce": "n2"}, expected="n1")
    with pytest.raises(BadNonce):
        check_nonce(claims={}, expected="n1")
    with pytest.raises(BadNonce, match="no nonce was stored"):
        check_nonce(claims={"nonce": "n1"}, expected=None)
