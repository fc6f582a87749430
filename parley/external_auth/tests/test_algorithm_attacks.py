"""Known JWT attacks on the header and the algorithm are all refused, and nothing is fetched."""

import json

import pytest

from parley.external_auth.errors import (
    InvalidSignature,
    KeyRejected,
    MalformedToken,
    UnsupportedAlgorithm,
)
from parley.external_auth.keys import PreviousSecret, VerificationKeys, VerifyingKey
from parley.external_auth.verify import VerifyPolicy, verify_jws, verify_token

from .factories import (
    NOW,
    SECRET,
    b64url,
    compact,
    ec_private_key,
    ed25519_private_key,
    private_key_for,
    public_der,
    public_jwk_json,
    public_keys,
    public_pem,
    rsa_private_key,
    secret_keys,
    sign,
    unsigned,
)

pytestmark = pytest.mark.usefixtures("no_network")

PAYLOAD = {"id": 1234}


def verify(token, keys=None):
    return verify_token(token=token, keys=keys or secret_keys(), policy=VerifyPolicy(), now=NOW)


def secret_and_rsa_keys():
    return VerificationKeys(
        current_secret=SECRET.encode(),
        public_keys=(VerifyingKey(key=rsa_private_key().public_key(), kid="rsa-1"),),
    )


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_in_any_spelling_is_refused(alg):
    with pytest.raises(UnsupportedAlgorithm) as refused:
        verify(unsigned({"alg": alg, "typ": "JWT"}, PAYLOAD))
    assert "never accepted" in refused.value.reason


@pytest.mark.parametrize("alg", ["none", "NONE"])
def test_alg_none_is_refused_even_with_a_signature_made_with_the_real_secret(alg):
    signing_input = f"{b64url(json.dumps({'alg': alg}).encode())}.{b64url(b'{}')}"
    signature = sign(signing_input.encode(), alg="HS256", key=SECRET.encode())
    with pytest.raises(UnsupportedAlgorithm):
        verify(f"{signing_input}.{b64url(signature)}")


@pytest.mark.parametrize(
    "alg", ["HS1", "hs256", "HS256 ", "ES256K", "ES521", "RS1", "RSA-OAEP", "dir", "", "HS"]
)
def test_unknown_algorithms_are_refused(alg):
    with pytest.raises(UnsupportedAlgorithm):
        verify(unsigned({"alg": alg}, PAYLOAD, b"x" * 32))


@pytest.mark.parametrize("alg", [None, 256, ["HS256"], {"name": "HS256"}, True])
def test_an_alg_that_is_not_a_string_is_refused(alg):
    with pytest.raises(UnsupportedAlgorithm):
        verify(unsigned({"alg": alg}, PAYLOAD, b"x" * 32))


def test_a_header_without_alg_is_malformed():
    with pytest.raises(MalformedToken):
        verify(unsigned({"typ": "JWT"}, PAYLOAD))


def _pem_like_texts():
    for name, key in [
        ("rsa", rsa_private_key()),
        ("ec", ec_private_key()),
        ("ed25519", ed25519_private_key()),
    ]:
        yield pytest.param(public_pem(key).encode(), id=f"{name}-pem")
        yield pytest.param(public_pem(key).strip().encode(), id=f"{name}-pem-stripped")
        yield pytest.param(public_der(key), id=f"{name}-der")
        yield pytest.param(public_jwk_json(key).encode(), id=f"{name}-jwk-json")


PEM_LIKE_TEXTS = list(_pem_like_texts())


@pytest.mark.parametrize("hmac_key", PEM_LIKE_TEXTS)
def test_hs256_keyed_with_a_public_keys_text_never_verifies(hmac_key):
    # The classic key-confusion attack: the attacker knows the public key and uses its text
    # as the HMAC secret. The secret is only ever the configured secret, so it fails.
    keys = VerificationKeys(
        current_secret=SECRET.encode(),
        public_keys=(
            VerifyingKey(key=rsa_private_key().public_key(), kid="rsa-1"),
            VerifyingKey(key=ec_private_key().public_key(), kid="ec-1"),
            VerifyingKey(key=ed25519_private_key().public_key(), kid="ed-1"),
        ),
    )
    for kid in ("rsa-1", "ec-1", "ed-1", None):
        header = {"alg": "HS256", "typ": "JWT"} | ({"kid": kid} if kid else {})
        with pytest.raises(InvalidSignature):
            verify(compact(header, PAYLOAD, key=hmac_key), keys)


@pytest.mark.parametrize("hmac_key", PEM_LIKE_TEXTS)
def test_hs256_is_refused_outright_when_only_public_keys_are_configured(hmac_key):
    keys = public_keys((rsa_private_key(), "rsa-1"), (ec_private_key(), None))
    with pytest.raises(UnsupportedAlgorithm):
        verify(compact({"alg": "HS256"}, PAYLOAD, key=hmac_key), keys)


@pytest.mark.parametrize("hmac_key", PEM_LIKE_TEXTS)
def test_a_public_keys_text_can_never_be_configured_as_the_secret(hmac_key):
    with pytest.raises(KeyRejected):
        VerificationKeys(current_secret=hmac_key)
    with pytest.raises(KeyRejected):
        VerificationKeys(previous_secrets=(PreviousSecret(secret=hmac_key, grace_ends_at=NOW),))


def test_an_asymmetric_alg_is_refused_when_only_the_secret_is_configured():
    token = compact({"alg": "RS256"}, PAYLOAD, key=rsa_private_key())
    with pytest.raises(UnsupportedAlgorithm):
        verify(token, secret_keys())


def test_an_rs256_code_is_not_checked_against_an_ec_key():
    keys = public_keys((ec_private_key(), "k"))
    with pytest.raises(InvalidSignature, match="no configured public key can verify RS256"):
        verify(compact({"alg": "RS256", "kid": "k"}, PAYLOAD, key=rsa_private_key()), keys)


def test_an_es256_code_is_not_checked_against_a_p384_key():
    keys = public_keys((ec_private_key("secp384r1"), None))
    with pytest.raises(InvalidSignature):
        verify(compact({"alg": "ES256"}, PAYLOAD, key=ec_private_key("secp256r1")), keys)


@pytest.mark.parametrize("crit", [["exp"], ["b64"], [], "b64", ["kid"], None])
def test_any_crit_header_is_refused(crit):
    token = compact({"alg": "HS256", "crit": crit, "exp": NOW + 60}, PAYLOAD, key=SECRET.encode())
    with pytest.raises(UnsupportedAlgorithm, match="crit"):
        verify(token)


def test_an_unencoded_payload_header_is_refused():
    token = compact({"alg": "HS256", "b64": False}, PAYLOAD, key=SECRET.encode())
    with pytest.raises(UnsupportedAlgorithm, match="b64"):
        verify(token)


def embedded_key_headers(attacker_key):
    jwk = json.loads(public_jwk_json(attacker_key))
    return [
        {"jku": "https://evil.example/jwks.json"},
        {"x5u": "https://evil.example/cert.pem"},
        {"jwk": jwk},
        {"x5c": ["MIIBszCCAVmgAwIBAgIU"]},
        {"jku": "http://127.0.0.1:9/jwks", "kid": "attacker"},
        {"jku": "file:///etc/passwd", "jwk": jwk, "x5u": "data:,x"},
    ]


@pytest.mark.parametrize("index", range(6))
def test_embedded_or_remote_key_headers_are_never_used_and_nothing_is_fetched(index):
    attacker = rsa_private_key(2048, 1)
    keys = VerificationKeys(
        current_secret=SECRET.encode(),
        public_keys=(VerifyingKey(key=rsa_private_key().public_key(), kid="rsa-1"),),
    )
    header = {"alg": "RS256"} | embedded_key_headers(attacker)[index]
    with pytest.raises(InvalidSignature):
        verify(compact(header, PAYLOAD, key=attacker), keys)


def test_embedded_key_headers_do_not_stop_a_genuine_code_from_verifying():
    header = {"alg": "HS256", "jku": "https://evil.example/jwks.json", "x5u": "https://x"}
    assert verify(compact(header, PAYLOAD, key=SECRET.encode())).payload == PAYLOAD


@pytest.mark.parametrize("kid", ["../../dev/null", "' OR 1=1 --", "/etc/passwd", "rsa-1\x00"])
def test_a_hostile_kid_is_just_an_unknown_kid(kid):
    attacker = rsa_private_key(2048, 1)
    token = compact({"alg": "RS256", "kid": kid}, PAYLOAD, key=attacker)
    with pytest.raises(InvalidSignature) as refused:
        verify(token, secret_and_rsa_keys())
    assert repr(kid) in refused.value.reason


@pytest.mark.parametrize("kid", ["../../dev/null", "' OR 1=1 --"])
def test_an_hmac_code_keyed_with_an_empty_secret_fails_whatever_the_kid(kid):
    # "../../dev/null" attacks hope the kid is read as a key file; /dev/null reads as b"".
    token = compact({"alg": "HS256", "kid": kid}, PAYLOAD, key=b"")
    with pytest.raises(InvalidSignature):
        verify(token)


def test_a_kid_that_is_not_a_string_is_malformed():
    token = compact({"alg": "HS256", "kid": ["a"]}, PAYLOAD, key=SECRET.encode())
    with pytest.raises(MalformedToken):
        verify(token)


def test_an_es256_signature_of_all_zero_bytes_is_refused():
    keys = public_keys((ec_private_key(), "ec-1"))
    token = unsigned({"alg": "ES256", "kid": "ec-1"}, PAYLOAD, bytes(64))
    with pytest.raises(InvalidSignature):
        verify(token, keys)


@pytest.mark.parametrize("alg,size", [("ES384", 96), ("ES512", 132), ("EdDSA", 64), ("RS256", 256)])
def test_all_zero_signatures_are_refused_for_every_public_key_type(alg, size):
    keys = public_keys((private_key_for(alg), None))
    with pytest.raises(InvalidSignature):
        verify(unsigned({"alg": alg}, PAYLOAD, bytes(size)), keys)


def test_a_signature_moved_to_another_payload_does_not_verify():
    genuine = compact({"alg": "HS256"}, {"id": 1}, key=SECRET.encode())
    forged = compact({"alg": "HS256"}, {"id": 2}, key=b"guess")
    spliced = ".".join(forged.split(".")[:2] + genuine.split(".")[2:])
    with pytest.raises(InvalidSignature):
        verify(spliced)


def test_verify_jws_never_reads_payload_before_the_signature_checks_out():
    forged = ".".join(b64url(part) for part in (b'{"alg":"HS256"}', b"not json", b"x" * 32))
    with pytest.raises(InvalidSignature):
        verify_jws(token=forged, keys=secret_keys(), now=NOW)
