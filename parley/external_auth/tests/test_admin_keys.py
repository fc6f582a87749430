"""What an admin may configure: strong secrets that are not key text, sound public keys,
JWKS URLs over https, and JWKs meant for verifying signatures."""

import base64
import json
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed448
from cryptography.x509.oid import NameOID

from parley.external_auth.errors import KeyRejected
from parley.external_auth.jwks import public_key_from_jwk, validate_jwks_url
from parley.external_auth.key_input import parse_public_key_pem, validate_admin_secret
from parley.external_auth.keys import VerifyingKey, generate_secret, load_verification_keys

from .factories import (
    NOW,
    SECRET,
    ec_private_key,
    ed25519_private_key,
    public_der,
    public_jwk_json,
    public_pem,
    rsa_private_key,
)


def test_a_generated_secret_has_256_bits_as_url_safe_text_and_passes_validation():
    generated = {generate_secret() for _ in range(500)}
    assert len(generated) == 500
    for secret in generated:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)  # 43 characters = 32 random bytes
        assert validate_admin_secret(secret) == secret


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_an_empty_admin_secret_is_refused(text):
    with pytest.raises(KeyRejected, match="empty"):
        validate_admin_secret(text)


STRONG_32 = "Vq7-Xc9_Lp2mZr8Tn4Wk6Yb1Hd3Fg5Js"


def test_an_admin_secret_under_32_bytes_is_refused_and_32_bytes_is_enough():
    with pytest.raises(KeyRejected, match="31 bytes"):
        validate_admin_secret(STRONG_32[:31])
    assert validate_admin_secret(STRONG_32) == STRONG_32


def test_the_secret_length_counts_utf8_bytes_and_surrounding_whitespace_is_dropped():
    assert validate_admin_secret("  €" + STRONG_32[:30] + "\n") == "€" + STRONG_32[:30]  # 33 bytes
    with pytest.raises(KeyRejected, match="30 bytes"):
        validate_admin_secret("€" + STRONG_32[:27])


@pytest.mark.parametrize("text", ["a" * 20 + "\x00" + "b" * 20, "a" * 20 + "\nb" * 20, "x" * 513])
def test_secrets_with_control_characters_or_over_512_characters_are_refused(text):
    with pytest.raises(KeyRejected):
        validate_admin_secret(text)


def _self_signed_certificate_pem(private_key) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example")])
    import datetime

    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(private_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _key_texts():
    rsa_key, ec_key, ed_key = rsa_private_key(), ec_private_key(), ed25519_private_key()
    texts = {}
    for name, key in [("rsa", rsa_key), ("ec", ec_key), ("ed25519", ed_key)]:
        der = public_der(key)
        texts[f"{name}-pem"] = public_pem(key)
        texts[f"{name}-pem-body-only"] = "".join(public_pem(key).strip().splitlines()[1:-1])
        texts[f"{name}-der-base64"] = base64.b64encode(der).decode()
        texts[f"{name}-der-base64url"] = base64.urlsafe_b64encode(der).decode().rstrip("=")
        texts[f"{name}-der-hex"] = der.hex()
        texts[f"{name}-der-raw"] = der.decode("latin-1")
        texts[f"{name}-jwk"] = public_jwk_json(key)
        texts[f"{name}-jwks"] = json.dumps({"keys": [json.loads(public_jwk_json(key))]})
        texts[f"{name}-ssh"] = (
            key.public_key()
            .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
            .decode()
        )
    texts["rsa-pkcs1-pem"] = (
        rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        .decode()
    )
    texts["certificate-pem"] = _self_signed_certificate_pem(ec_key)
    texts["private-pem"] = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    texts["oct-jwk"] = json.dumps({"kty": "oct", "k": base64.urlsafe_b64encode(b"k" * 32).decode()})
    texts["jwk-pretty-printed"] = json.dumps(json.loads(public_jwk_json(ec_key)), indent=2)
    return texts


KEY_TEXTS = _key_texts()


@pytest.mark.parametrize("name", sorted(KEY_TEXTS))
def test_an_admin_secret_that_is_a_keys_text_is_refused(name):
    with pytest.raises(KeyRejected, match="looks like"):
        validate_admin_secret(KEY_TEXTS[name])


@pytest.mark.parametrize("name", sorted(KEY_TEXTS))
def test_key_text_is_refused_as_a_secret_even_when_built_in_code(name):
    from parley.external_auth.keys import VerificationKeys

    with pytest.raises(KeyRejected, match="looks like"):
        encoding = "latin-1" if name.endswith("-der-raw") else "utf-8"
        VerificationKeys(current_secret=KEY_TEXTS[name].encode(encoding))


def test_stored_secret_text_becomes_its_utf8_bytes_like_jwt_sign_uses():
    keys = load_verification_keys(
        current_secret=SECRET,
        previous_secrets=[("ö" * 20, NOW + 10)],
        public_keys_pem=[
            (public_pem(ec_private_key()), "ec-1"),
            (public_pem(rsa_private_key()), ""),
        ],
    )
    assert keys.current_secret == SECRET.encode()
    assert keys.secrets_at(NOW) == [
        ("secret:current", SECRET.encode()),
        ("secret:previous", ("ö" * 20).encode()),
    ]
    assert keys.secrets_at(NOW + 10) == [("secret:current", SECRET.encode())]
    assert [key.kid for key in keys.public_keys] == ["ec-1", None]


def test_the_secret_never_shows_in_a_repr():
    keys = load_verification_keys(current_secret=SECRET, previous_secrets=[(SECRET[::-1], NOW)])
    assert SECRET not in repr(keys) and SECRET[::-1] not in repr(keys)


@pytest.mark.parametrize("make", [rsa_private_key, ec_private_key, ed25519_private_key])
def test_rsa_ec_and_ed25519_public_key_pems_parse(make):
    private = make()
    assert parse_public_key_pem(public_pem(private)) == private.public_key()


@pytest.mark.parametrize("curve", ["secp384r1", "secp521r1"])
def test_p384_and_p521_keys_parse(curve):
    assert parse_public_key_pem(public_pem(ec_private_key(curve)))


def test_a_pkcs1_rsa_public_key_pem_parses():
    assert parse_public_key_pem(KEY_TEXTS["rsa-pkcs1-pem"])


@pytest.mark.parametrize(
    "text,why",
    [
        (lambda: public_pem(rsa_private_key(1024)), "RSA key has 1024 bits"),
        (lambda: public_pem(ec_private_key("secp256k1")), "curve secp256k1"),
        (lambda: public_pem(ed448.Ed448PrivateKey.generate()), "unsupported key type"),
        (lambda: KEY_TEXTS["private-pem"], "private key"),
        (lambda: KEY_TEXTS["certificate-pem"], "certificate"),
        (lambda: KEY_TEXTS["rsa-pem-body-only"], "not PEM"),
        (lambda: KEY_TEXTS["ec-jwk"], "not PEM"),
        (lambda: public_pem(ec_private_key()) * 2, "2 PEM blocks"),
        (lambda: public_pem(ec_private_key()).replace("A", "B", 3), "does not parse"),
        (lambda: "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", "does not parse"),
        (lambda: "", "empty"),
        (lambda: "x" * 20000, "more than"),
    ],
)
def test_unusable_public_key_pems_are_refused_with_the_reason(text, why):
    with pytest.raises(KeyRejected) as refused:
        parse_public_key_pem(text())
    assert why in refused.value.reason
    assert refused.value.status == 422


def test_a_private_key_object_is_never_taken_as_a_public_key():
    with pytest.raises(KeyRejected):
        VerifyingKey(key=ec_private_key())


@pytest.mark.parametrize(
    "url",
    [
        "https://idp.example.com/.well-known/jwks.json",
        "HTTPS://idp.example.com:8443/jwks",
        "http://127.0.0.1:8000/jwks.json",
        "http://localhost/jwks",
    ],
)
def test_https_jwks_urls_and_loopback_http_are_accepted(url):
    assert validate_jwks_url(f"  {url} ") == url


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        'data:application/json,{"keys":[]}',
        "ftp://idp.example.com/jwks",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "javascript:alert(1)",
        "http://idp.example.com/jwks",
        "http://localhost.evil.example/jwks",
        "http://127.0.0.1.evil.example/jwks",
        "http://127.0.0.1@evil.example/jwks",
        "https://user:password@idp.example.com/jwks",
        "https:///jwks",
        "//idp.example.com/jwks",
        "idp.example.com/jwks",
        "https://idp.example.com/jwks#x",
        "https://idp.example.com:99999/jwks",
        "https://idp.example.com/jw ks",
        "https://idp.example.com/\njwks",
        "",
        "https://" + "a" * 2100 + ".example",
    ],
)
def test_other_jwks_urls_are_refused(url):
    with pytest.raises(KeyRejected):
        validate_jwks_url(url)


def _jwk(private_key, **changes):
    jwk = json.loads(public_jwk_json(private_key)) | changes
    return {k: v for k, v in jwk.items() if v is not None}


def test_a_signing_jwk_becomes_a_public_key_pinned_to_its_alg():
    key = public_key_from_jwk(_jwk(rsa_private_key(), kid="r1", alg="PS256", use="sig"))
    assert (key.kid, key.algorithms) == ("r1", frozenset({"PS256"}))


@pytest.mark.parametrize(
    "jwk,why",
    [
        ({"kty": "oct", "k": "AAAA"}, "oct"),
        (lambda: _jwk(ec_private_key(), d="AAAA"), "private key members"),
        (lambda: _jwk(ec_private_key(), use="enc"), "use"),
        (lambda: _jwk(ec_private_key(), key_ops=["encrypt"]), "key_ops"),
        (lambda: _jwk(ec_private_key(), key_ops="verify"), "key_ops"),
        (lambda: _jwk(ec_private_key(), alg="ES521"), "alg"),
        (lambda: _jwk(ec_private_key(), alg="HS256"), "alg"),
        (lambda: _jwk(ec_private_key(), alg="none"), "alg"),
        (lambda: _jwk(ec_private_key(), alg="RS256"), "does not fit"),
        (lambda: _jwk(rsa_private_key(1024)), "1024 bits"),
        ({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}, "does not parse"),
        ({"kty": "DSA"}, "kty"),
        ([], "not an object"),
    ],
)
def test_jwks_that_are_not_public_signature_keys_are_refused(jwk, why):
    with pytest.raises(KeyRejected) as refused:
        public_key_from_jwk(jwk() if callable(jwk) else jwk)
    assert why in refused.value.reason
