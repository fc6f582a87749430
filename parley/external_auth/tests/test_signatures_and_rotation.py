"""Which keys verify a code: the current secret, secrets still in grace, then public keys."""

import pytest

from parley.external_auth.errors import InvalidSignature
from parley.external_auth.keys import PreviousSecret, VerificationKeys, VerifyingKey
from parley.external_auth.verify import VerifyPolicy, verify_jws, verify_token

from .factories import (
    NOW,
    OTHER_SECRET,
    SECRET,
    compact,
    ec_private_key,
    private_key_for,
    public_keys,
    rsa_private_key,
    secret_keys,
)

PAYLOAD = {"id": 1234}
GRACE_END = NOW + 3600


def verify(token, keys, now=NOW):
    return verify_token(token=token, keys=keys, policy=VerifyPolicy(), now=now)


def rotated_keys():
    """OTHER_SECRET is current; SECRET was rotated out and is in grace until GRACE_END."""
    return VerificationKeys(
        current_secret=OTHER_SECRET.encode(),
        previous_secrets=(PreviousSecret(secret=SECRET.encode(), grace_ends_at=GRACE_END),),
    )


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_the_current_secret_verifies_every_hmac_algorithm(alg):
    token = compact({"alg": alg}, PAYLOAD, key=SECRET.encode())
    assert verify(token, secret_keys()).verified_by == "secret:current"


def test_a_code_signed_with_another_secret_is_refused():
    token = compact({"alg": "HS256"}, PAYLOAD, key=b"not-the-secret-but-long-enough-000000")
    with pytest.raises(InvalidSignature, match="matches none of 1 usable secret"):
        verify(token, secret_keys())


def test_a_secret_that_differs_only_by_a_trailing_newline_is_another_secret():
    token = compact({"alg": "HS256"}, PAYLOAD, key=(SECRET + "\n").encode())
    with pytest.raises(InvalidSignature):
        verify(token, secret_keys())


def test_a_rotated_out_secret_still_verifies_during_its_grace_period():
    token = compact({"alg": "HS256"}, PAYLOAD, key=SECRET.encode())
    assert verify(token, rotated_keys(), now=GRACE_END - 1).verified_by == "secret:previous"


def test_a_rotated_out_secret_is_not_even_tried_once_its_grace_period_has_ended():
    token = compact({"alg": "HS256"}, PAYLOAD, key=SECRET.encode())
    for moment in (GRACE_END, GRACE_END + 86400):
        with pytest.raises(InvalidSignature) as refused:
            verify(token, rotated_keys(), now=moment)
        assert "1 past their grace period, not tried" in refused.value.reason


def test_the_new_secret_verifies_during_and_after_the_grace_period():
    token = compact({"alg": "HS256"}, PAYLOAD, key=OTHER_SECRET.encode())
    for moment in (NOW, GRACE_END + 86400):
        assert verify(token, rotated_keys(), now=moment).verified_by == "secret:current"


ASYMMETRIC = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
]


@pytest.mark.parametrize("alg", ASYMMETRIC)
def test_codes_signed_with_a_cryptography_key_verify_with_its_public_key(alg):
    private = private_key_for(alg)
    keys = VerificationKeys(
        current_secret=SECRET.encode(),
        public_keys=(VerifyingKey(key=private.public_key(), kid="main"),),
    )
    token = compact({"alg": alg, "kid": "main"}, PAYLOAD, key=private)
    verified = verify(token, keys)
    assert (verified.verified_by, verified.algorithm, verified.kid) == ("kid:main", alg, "main")


@pytest.mark.parametrize("alg", ASYMMETRIC)
def test_codes_signed_with_another_key_of_the_same_type_are_refused(alg):
    keys = public_keys((private_key_for(alg), "main"))
    token = compact({"alg": alg, "kid": "main"}, PAYLOAD, key=private_key_for(alg, n=1))
    with pytest.raises(InvalidSignature):
        verify(token, keys)


def test_the_kid_selects_among_several_public_keys():
    first, second = rsa_private_key(2048, 0), rsa_private_key(2048, 1)
    keys = public_keys((first, "a"), (second, "b"))
    token = compact({"alg": "RS256", "kid": "b"}, PAYLOAD, key=second)
    assert verify(token, keys).verified_by == "kid:b"


def test_a_key_with_another_kid_is_not_tried():
    first, second = rsa_private_key(2048, 0), rsa_private_key(2048, 1)
    keys = public_keys((first, "a"), (second, "b"))
    token = compact({"alg": "RS256", "kid": "a"}, PAYLOAD, key=second)
    with pytest.raises(InvalidSignature, match="matches none of 1 public key"):
        verify(token, keys)


def test_without_a_kid_every_public_key_of_the_right_type_is_tried():
    rsa_key, ec_key = rsa_private_key(2048, 1), ec_private_key()
    keys = public_keys((rsa_private_key(2048, 0), "a"), (ec_key, "e"), (rsa_key, "b"))
    assert verify(compact({"alg": "RS256"}, PAYLOAD, key=rsa_key), keys).verified_by == "kid:b"
    assert verify(compact({"alg": "ES256"}, PAYLOAD, key=ec_key), keys).verified_by == "kid:e"


def test_a_key_configured_without_kid_verifies_codes_whatever_kid_they_name():
    private = rsa_private_key()
    keys = public_keys((private, None))
    verified = verify(
        compact({"alg": "RS256", "kid": "integrator-key-7"}, PAYLOAD, key=private), keys
    )
    assert verified.verified_by == f"key:{keys.public_keys[0].fingerprint}"
    assert verified.kid == "integrator-key-7"


def test_a_key_pinned_to_one_algorithm_refuses_the_others():
    private = rsa_private_key()
    keys = VerificationKeys(
        public_keys=(VerifyingKey(key=private.public_key(), kid="k", algorithm="PS256"),)
    )
    assert verify(compact({"alg": "PS256", "kid": "k"}, PAYLOAD, key=private), keys)
    with pytest.raises(InvalidSignature, match="verifies only PS256"):
        verify(compact({"alg": "RS256", "kid": "k"}, PAYLOAD, key=private), keys)


def test_a_tampered_header_or_payload_breaks_the_signature():
    token = compact({"alg": "HS256", "kid": "a"}, PAYLOAD, key=SECRET.encode())
    other = compact({"alg": "HS256", "kid": "b"}, {"id": 9}, key=b"x")
    header, payload, signature = token.split(".")
    other_header, other_payload, _ = other.split(".")
    for forged in (
        f"{header}.{other_payload}.{signature}",
        f"{other_header}.{payload}.{signature}",
    ):
        with pytest.raises(InvalidSignature):
            verify(forged, secret_keys())


class FakeJwks:
    """Stands in for a cached JWKS: the plug-in point for keys looked up by kid."""

    def __init__(self, keys_by_kid):
        self.keys_by_kid = keys_by_kid
        self.asked = []

    def keys_for(self, kid):
        self.asked.append(kid)
        return self.keys_by_kid.get(kid, [])


def test_a_key_source_supplies_keys_for_kids_the_configuration_does_not_know():
    remote = ec_private_key("secp256r1", 1)
    jwks = FakeJwks({"remote-1": [VerifyingKey(key=remote.public_key(), kid="remote-1")]})
    keys = VerificationKeys(
        public_keys=(VerifyingKey(key=ec_private_key().public_key(), kid="local"),),
        key_sources=(jwks,),
    )
    token = compact({"alg": "ES256", "kid": "remote-1"}, PAYLOAD, key=remote)
    assert verify_jws(token=token, keys=keys, now=NOW).verified_by == "kid:remote-1"
    assert jwks.asked == ["remote-1"]


def test_a_key_source_is_not_asked_when_a_configured_key_verifies():
    local = ec_private_key()
    jwks = FakeJwks({})
    keys = VerificationKeys(
        public_keys=(VerifyingKey(key=local.public_key(), kid="local"),), key_sources=(jwks,)
    )
    verify(compact({"alg": "ES256", "kid": "local"}, PAYLOAD, key=local), keys)
    assert jwks.asked == []


def test_a_key_source_key_with_another_kid_is_not_used():
    remote = ec_private_key("secp256r1", 1)
    jwks = FakeJwks({"x": [VerifyingKey(key=remote.public_key(), kid="y")]})
    keys = VerificationKeys(key_sources=(jwks,))
    with pytest.raises(InvalidSignature):
        verify(compact({"alg": "ES256", "kid": "x"}, PAYLOAD, key=remote), keys)
