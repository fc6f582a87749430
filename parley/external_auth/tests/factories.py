"""Keys and codes for the External Authentication tests, made the way integrators make them."""

import base64
import hashlib
import hmac
import json
from functools import cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms

from parley.external_auth.keys import VerificationKeys, VerifyingKey

NOW = 1_750_000_000
SECRET = "k3L9-dQ2vR7_wX1zT8mN4pB6cY0hJ5sA2eF7gU9iK3o"  # what generate_secret() looks like
OTHER_SECRET = "Zq8Wm2Xn5Bv7Cc1Lk4Jh6Gf3Ds9Ap0Ou-Iy_Tr2Ee5W"

_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def secret_keys(secret: str = SECRET, **kwargs) -> VerificationKeys:
    return VerificationKeys(current_secret=secret.encode("utf-8"), **kwargs)


def hs256(payload: dict, secret: str = SECRET, headers: dict | None = None) -> str:
    """A code as PyJWT (or Node's jsonwebtoken) signs it with the secret text."""
    return jwt.encode(payload, secret, algorithm="HS256", headers=headers)


def compact(header: dict | str, payload: dict | str | bytes, *, key: bytes | object) -> str:
    """A code assembled by hand, so header and payload can be any text (duplicate keys,
    arrays, non-JSON). `key` is HMAC key bytes, or a private key object for the header's alg."""
    header_text = header if isinstance(header, str) else json.dumps(header)
    if isinstance(payload, dict):
        payload = json.dumps(payload)
    payload_bytes = payload.encode("utf-8") if isinstance(payload, str) else payload
    alg = json.loads(header_text)["alg"] if isinstance(header, str) else header["alg"]
    signing_input = f"{b64url(header_text.encode())}.{b64url(payload_bytes)}"
    return f"{signing_input}.{b64url(sign(signing_input.encode(), alg=alg, key=key))}"


def sign(message: bytes, *, alg: str, key: bytes | object) -> bytes:
    if isinstance(key, bytes):
        return hmac.new(key, message, _HASHES[alg]).digest()
    return get_default_algorithms()[alg].sign(message, key)


def unsigned(header: dict, payload: dict, signature: bytes = b"") -> str:
    return ".".join(
        [
            b64url(json.dumps(header).encode()),
            b64url(json.dumps(payload).encode()),
            b64url(signature),
        ]
    )


@cache
def rsa_private_key(bits: int = 2048, n: int = 0) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@cache
def ec_private_key(curve_name: str = "secp256r1", n: int = 0) -> ec.EllipticCurvePrivateKey:
    curves = {"secp256r1": ec.SECP256R1(), "secp384r1": ec.SECP384R1(), "secp521r1": ec.SECP521R1()}
    curves["secp256k1"] = ec.SECP256K1()
    return ec.generate_private_key(curves[curve_name])


@cache
def ed25519_private_key(n: int = 0) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def private_key_for(alg: str, n: int = 0):
    if alg.startswith(("RS", "PS")):
        return rsa_private_key(2048, n)
    if alg == "EdDSA":
        return ed25519_private_key(n)
    return ec_private_key(
        {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}[alg], n
    )


def public_pem(private_key) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_der(private_key) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_jwk_json(private_key) -> str:
    return get_default_algorithms()[_alg_of(private_key)].to_jwk(private_key.public_key())


def _alg_of(private_key) -> str:
    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[
        private_key.curve.name
    ]


def public_keys(*entries: tuple[object, str | None], **kwargs) -> VerificationKeys:
    """VerificationKeys holding the public halves of (private key, kid) pairs."""
    return VerificationKeys(
        public_keys=tuple(VerifyingKey(key=key.public_key(), kid=kid) for key, kid in entries),
        **kwargs,
    )


def url_login(client, token):
    """A visit with the code in the URL, as an integrator's link sends a person."""
    return client.get("/", {"externalAuthCode": token})


def last_event():
    from parley.audit.models import AuthEvent

    return AuthEvent.objects.order_by("-id").first()
