"""Checks on the keys an admin pastes: a strong secret that is no key's text, a PEM public key."""

import base64
import binascii
import json
import re
import unicodedata
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm as CryptoUnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import HMACAlgorithm
from jwt.exceptions import InvalidKeyError
from jwt.utils import is_pem_format, is_ssh_key

from .errors import KeyRejected
from .secret_strength import GENERATE_HINT, check_secret_strength

MIN_ADMIN_SECRET_BYTES = 32
MAX_ADMIN_SECRET_CHARS = 512  # JwtSecret.secret's max_length
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 16384  # bigger moduli only make every verification slower
MAX_PEM_CHARS = 16 * 1024
EC_ALGORITHM_BY_CURVE = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}

PublicKeyObject = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_HEX_TEXT = re.compile(r"(?:[0-9A-Fa-f]{2})+")


def validate_admin_secret(text: str) -> str:
    """Check a secret an admin pasted (shape, length, not guessable); returns it without
    surrounding whitespace."""
    if not isinstance(text, str):
        raise KeyRejected(f"secret is a {type(text).__name__}, not text")
    pasted, text = text, text.strip()
    if not text:
        raise KeyRejected("secret is empty", user_message="The secret must not be empty.")
    check_secret_bytes(text.encode("utf-8"))
    if not pasted.isascii() and all(ord(ch) < 256 for ch in pasted):
        check_secret_bytes(pasted.encode("latin-1"))  # binary DER that arrived as text
    if len(text) > MAX_ADMIN_SECRET_CHARS:
        raise KeyRejected(
            f"secret has {len(text)} characters, more than {MAX_ADMIN_SECRET_CHARS}",
            user_message=f"The secret must be at most {MAX_ADMIN_SECRET_CHARS} characters.",
        )
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise KeyRejected(
            "secret contains control characters or line breaks",
            user_message="The secret must be a single line without control characters.",
        )
    size = len(text.encode("utf-8"))
    if size < MIN_ADMIN_SECRET_BYTES:
        raise KeyRejected(
            f"secret is {size} bytes, fewer than {MIN_ADMIN_SECRET_BYTES}",
            user_message=(
                f"The secret must be at least {MIN_ADMIN_SECRET_BYTES} bytes long. {GENERATE_HINT}"
            ),
        )
    check_secret_strength(text)
    return text


def check_secret_bytes(secret: bytes) -> None:
    if not isinstance(secret, bytes) or not secret:
        raise KeyRejected("an HMAC secret must be non-empty bytes")
    looks_like = _looks_like_public_key(secret)
    if looks_like:
        raise KeyRejected(
            f"secret looks like {looks_like}",
            user_message=(
                f"This looks like {looks_like}, not a shared secret. Public keys go in the "
                "public key list; a secret must never be a key's text, because anyone who "
                "knows the key could then sign codes."
            ),
        )


def _looks_like_public_key(data: bytes) -> str | None:
    """What asymmetric-key text `data` resembles (PEM, SSH, JWK JSON, DER raw, base64 or
    hex), or None. Such text is public, so as an HMAC secret it would let anyone sign."""
    stripped = data.strip()
    if b"-----BEGIN" in stripped or is_pem_format(stripped):
        return "a PEM key or certificate"
    if is_ssh_key(stripped) or stripped.startswith((b"ecdsa-sha2-", b"ssh-", b"sk-")):
        return "an SSH public key"
    if b'"kty"' in stripped or _is_json_container(stripped):
        return "JSON (a JWK or JWKS)"
    if _is_der_key(data) or _is_der_key(stripped):
        return "a DER-encoded key or certificate"
    text = stripped.decode("ascii", errors="replace")
    compact = re.sub(r"\s+", "", text)
    for decoded in (_decode_base64(compact), _decode_hex(compact)):
        if decoded is not None and (_is_der_key(decoded) or _is_ssh_blob(decoded)):
            return "an encoded (base64 or hex) DER or SSH key"
    try:
        HMACAlgorithm(HMACAlgorithm.SHA256).prepare_key(data)
    except InvalidKeyError:
        return "an asymmetric key"
    return None


def _is_json_container(data: bytes) -> bool:
    try:
        value = json.loads(data.decode("utf-8"))
    except RecursionError:
        return True
    except ValueError:
        return False
    return isinstance(value, dict | list)


def _is_der_key(blob: bytes) -> bool:
    loaders = (
        serialization.load_der_public_key,
        x509.load_der_x509_certificate,
        lambda b: serialization.load_der_private_key(b, password=None),
    )
    for loader in loaders:
        try:
            loader(blob)
        except (ValueError, TypeError, CryptoUnsupportedAlgorithm):
            continue
        return True
    return _is_der_sequence(blob)


def _is_der_sequence(blob: bytes) -> bool:
    # A SEQUENCE with a long-form length covering exactly the whole blob: every key and
    # certificate encoding starts like this, random secrets practically never do.
    if len(blob) < 4 or blob[0] != 0x30 or not 0x81 <= blob[1] <= 0x84:
        return False
    size_bytes = blob[1] & 0x7F
    length = int.from_bytes(blob[2 : 2 + size_bytes], "big")
    return 2 + size_bytes + length == len(blob)


def _is_ssh_blob(blob: bytes) -> bool:
    return blob[:4] in (b"\x00\x00\x00\x07", b"\x00\x00\x00\x0b", b"\x00\x00\x00\x13") and (
        blob[4:8] in (b"ssh-", b"ecds")
    )


def _decode_base64(text: str) -> bytes | None:
    if len(text) < 16 or not _BASE64_TEXT.fullmatch(text):
        return None
    unpadded = text.rstrip("=").translate(str.maketrans("-_", "+/"))
    try:
        return base64.b64decode(unpadded + "=" * (-len(unpadded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _decode_hex(text: str) -> bytes | None:
    return bytes.fromhex(text) if len(text) >= 16 and _HEX_TEXT.fullmatch(text) else None


def parse_public_key_pem(text: str) -> PublicKeyObject:
    """Parse one PEM public key (RSA ≥ 2048 bits, EC P-256/384/521 or Ed25519)."""
    if not isinstance(text, str):
        raise KeyRejected(f"public key is a {type(text).__name__}, not text")
    text = text.strip()
    if not text:
        raise KeyRejected("public key is empty", user_message="Paste a public key in PEM form.")
    if len(text) > MAX_PEM_CHARS:
        raise KeyRejected(
            f"public key text has {len(text)} characters, more than {MAX_PEM_CHARS}",
            user_message="This is too long to be one public key.",
        )
    labels = _PEM_LABEL.findall(text)
    if any("PRIVATE" in label for label in labels):
        raise KeyRejected(
            "a private key was pasted as a public key",
            user_message=(
                "This is a private key. Parley needs only the public key; keep the private "
                "key secret (openssl pkey -pubout prints the public one)."
            ),
        )
    if not labels:
        raise KeyRejected(
            "public key is not PEM",
            user_message="Paste the public key in PEM form, including the BEGIN and END lines.",
        )
    if len(labels) > 1:
        raise KeyRejected(
            f"{len(labels)} PEM blocks given", user_message="Paste one public key at a time."
        )
    if labels[0] == "CERTIFICATE":
        raise KeyRejected(
            "a certificate was pasted as a public key",
            user_message=(
                "This is a certificate. Paste its public key instead "
                "(openssl x509 -pubkey -noout prints it)."
            ),
        )
    if labels[0] not in ("PUBLIC KEY", "RSA PUBLIC KEY"):
        raise KeyRejected(
            f"PEM block {labels[0]!r} is not a public key",
            user_message="This PEM block is not a public key.",
        )
    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError, CryptoUnsupportedAlgorithm) as exc:
        raise KeyRejected(
            f"public key does not parse: {exc}",
            user_message="This public key could not be read. Check that it is complete.",
        ) from None
    check_public_key_object(key)
    return key


def check_public_key_object(key: Any) -> None:
    if isinstance(key, rsa.RSAPublicKey):
        if not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
            raise KeyRejected(
                f"RSA key has {key.key_size} bits; {MIN_RSA_BITS} to {MAX_RSA_BITS} allowed",
                user_message=f"RSA keys must have at least {MIN_RSA_BITS} bits.",
            )
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name not in EC_ALGORITHM_BY_CURVE:
            raise KeyRejected(
                f"EC curve {key.curve.name} is not supported",
                user_message="EC keys must use P-256, P-384 or P-521.",
            )
        return
    if isinstance(key, ed25519.Ed25519PublicKey):
        return
    raise KeyRejected(
        f"unsupported key type {type(key).__name__}",
        user_message="Only RSA, EC (P-256, P-384, P-521) and Ed25519 public keys can be used.",
    )
