"""The keys that verify External Authentication codes, and the checks on what admins paste."""

import base64
import binascii
import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm as CryptoUnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm
from jwt.exceptions import InvalidKeyError
from jwt.utils import is_pem_format, is_ssh_key

from .errors import KeyRejected
from .secret_strength import GENERATE_HINT, check_secret_strength

MIN_ADMIN_SECRET_BYTES = 32
MAX_ADMIN_SECRET_CHARS = 512  # JwtSecret.secret's max_length
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 16384  # bigger moduli only make every verification slower
MAX_PEM_CHARS = 16 * 1024
MAX_KID_CHARS = 255  # PublicKey.kid's max_length
MAX_URL_CHARS = 2048
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGORITHM_BY_CURVE = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
PUBLIC_KEY_ALGORITHMS = RSA_ALGORITHMS | set(EC_ALGORITHM_BY_CURVE.values()) | {"EdDSA"}

PublicKeyObject = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_HEX_TEXT = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_JWK_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_JWK_LOADERS = {
    "RSA": RSAAlgorithm.from_jwk,
    "EC": ECAlgorithm.from_jwk,
    "OKP": OKPAlgorithm.from_jwk,
}


@dataclass(frozen=True)
class PublicKey:
    """A public key that verifies RS*/PS*/ES*/EdDSA codes. `kid` selects it; `algorithm`
    (a JWK's "alg") pins it to one algorithm."""

    key: PublicKeyObject
    kid: str | None = None
    algorithm: str | None = None

    def __post_init__(self):
        _check_public_key_object(self.key)
        if self.kid is not None and (
            not isinstance(self.kid, str) or not self.kid or len(self.kid) > MAX_KID_CHARS
        ):
            raise KeyRejected(
                f"kid {self.kid!r:.80} is not a string of 1 to {MAX_KID_CHARS} characters",
                user_message=f"The key ID must be 1 to {MAX_KID_CHARS} characters.",
            )
        if self.algorithm is not None and self.algorithm not in algorithms_for(self.key):
            raise KeyRejected(
                f"algorithm {self.algorithm!r:.40} does not fit a {_describe(self.key)}",
                user_message=f"This key cannot be used with {self.algorithm!r:.40}.",
            )

    @property
    def algorithms(self) -> frozenset[str]:
        allowed = algorithms_for(self.key)
        return allowed if self.algorithm is None else frozenset({self.algorithm})

    @property
    def fingerprint(self) -> str:
        spki = self.key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(spki).hexdigest()[:16]

    @property
    def label(self) -> str:
        """How the audit log names this key."""
        return f"kid:{self.kid}" if self.kid else f"key:{self.fingerprint}"


@dataclass(frozen=True)
class PreviousSecret:
    """A rotated-out HMAC secret that keeps verifying until `grace_ends_at` (Unix time)."""

    secret: bytes = field(repr=False)
    grace_ends_at: float


class KeySource(Protocol):
    """Where else to find public keys by `kid`, e.g. a cached JWKS. Consulted only after the
    configured keys failed, so it decides itself how often an unknown kid may refetch.
    Raises KeySourceUnavailable when it has no keys to offer and the reason matters."""

    def keys_for(self, kid: str | None) -> Sequence[PublicKey]: ...


class KeySourceUnavailable(Exception):
    """A key source could not offer keys; the message is the reason the audit log shows."""


@dataclass(frozen=True)
class VerificationKeys:
    """Everything that may verify a code. A secret is the UTF-8 bytes of the admin's secret
    text (what `jwt.sign(payload, secretString)` uses)."""

    current_secret: bytes | None = field(default=None, repr=False)
    previous_secrets: tuple[PreviousSecret, ...] = ()
    public_keys: tuple[PublicKey, ...] = ()
    key_sources: tuple[KeySource, ...] = ()

    def __post_init__(self):
        for name in ("previous_secrets", "public_keys", "key_sources"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        secrets_given = [self.current_secret] if self.current_secret is not None else []
        secrets_given += [previous.secret for previous in self.previous_secrets]
        for secret in secrets_given:
            _check_secret_bytes(secret)
        for key in self.public_keys:
            if not isinstance(key, PublicKey):
                raise TypeError(f"public_keys must hold PublicKey values, not {type(key)}")

    @property
    def configured(self) -> bool:
        return bool(
            self.current_secret is not None
            or self.previous_secrets
            or self.public_keys
            or self.key_sources
        )

    @property
    def has_secret(self) -> bool:
        return self.current_secret is not None or bool(self.previous_secrets)

    @property
    def has_public_keys(self) -> bool:
        return bool(self.public_keys or self.key_sources)

    def secrets_at(self, now: float) -> list[tuple[str, bytes]]:
        """The secrets to try, in order: the current one, then those still in grace."""
        usable = [] if self.current_secret is None else [("secret:current", self.current_secret)]
        usable += [
            ("secret:previous", previous.secret)
            for previous in self.previous_secrets
            if now < previous.grace_ends_at
        ]
        return usable

    def public_keys_for(self, *, kid: str | None, algorithm: str) -> Iterator[PublicKey]:
        """Keys that may verify `algorithm` for this `kid`: the key named by kid plus keys
        configured without one; every key of the right type when the code names no kid.
        Key sources are asked lazily, only once the configured keys are exhausted."""
        for key in self.public_keys:
            if _fits(key, kid=kid, algorithm=algorithm):
                yield key
        for source in self.key_sources:
            for key in source.keys_for(kid):
                if _fits(key, kid=kid, algorithm=algorithm):
                    yield key


def _fits(key: PublicKey, *, kid: str | None, algorithm: str) -> bool:
    return algorithm in key.algorithms and (kid is None or key.kid is None or key.kid == kid)


def load_verification_keys(
    *,
    current_secret: str | None,
    previous_secrets: Sequence[tuple[str, float]] = (),
    public_keys_pem: Sequence[tuple[str, str | None]] = (),
) -> VerificationKeys:
    """VerificationKeys from stored admin text: secrets, (secret, grace end) pairs and
    (PEM, kid) pairs."""
    return VerificationKeys(
        current_secret=None if current_secret is None else current_secret.encode("utf-8"),
        previous_secrets=tuple(
            PreviousSecret(secret=text.encode("utf-8"), grace_ends_at=ends)
            for text, ends in previous_secrets
        ),
        public_keys=tuple(
            PublicKey(key=parse_public_key_pem(pem), kid=kid or None)
            for pem, kid in public_keys_pem
        ),
    )


def algorithms_for(key: PublicKeyObject) -> frozenset[str]:
    """The JWS algorithms a public key may verify: exactly one family per key type."""
    if isinstance(key, rsa.RSAPublicKey):
        return RSA_ALGORITHMS
    if isinstance(key, ec.EllipticCurvePublicKey):
        return frozenset({EC_ALGORITHM_BY_CURVE[key.curve.name]})
    if isinstance(key, ed25519.Ed25519PublicKey):
        return frozenset({"EdDSA"})
    return frozenset()


def generate_secret() -> str:
    """A new HMAC secret: 256 bits from `secrets`, as URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def validate_admin_secret(text: str) -> str:
    """Check a secret an admin pasted (shape, length, not guessable); returns it without
    surrounding whitespace."""
    if not isinstance(text, str):
        raise KeyRejected(f"secret is a {type(text).__name__}, not text")
    pasted, text = text, text.strip()
    if not text:
        raise KeyRejected("secret is empty", user_message="The secret must not be empty.")
    _check_secret_bytes(text.encode("utf-8"))
    if not pasted.isascii() and all(ord(ch) < 256 for ch in pasted):
        _check_secret_bytes(pasted.encode("latin-1"))  # binary DER that arrived as text
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


def _check_secret_bytes(secret: bytes) -> None:
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
    _check_public_key_object(key)
    return key


def _check_public_key_object(key: Any) -> None:
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


def _describe(key: PublicKeyObject) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"{key.key_size}-bit RSA key"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name} key"
    return "Ed25519 key"


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """A PublicKey from one JWK (as a JWKS publishes them). Symmetric keys, private key
    material, keys not meant for verifying signatures and unknown algorithms are refused."""
    if not isinstance(jwk, Mapping):
        raise KeyRejected(f"JWK is a {type(jwk).__name__}, not an object")
    kty = jwk.get("kty")
    if kty == "oct":
        raise KeyRejected("symmetric (oct) JWKs are never used; the secret is set separately")
    private = sorted(_JWK_PRIVATE_MEMBERS & set(jwk))
    if private:
        raise KeyRejected(f"JWK contains private key members {private}")
    use = jwk.get("use")
    if use is not None and use != "sig":
        raise KeyRejected(f"JWK use {use!r:.40} is not 'sig'")
    key_ops = jwk.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        raise KeyRejected(f"JWK key_ops {key_ops!r:.80} do not include 'verify'")
    algorithm = jwk.get("alg")
    if algorithm is not None and algorithm not in PUBLIC_KEY_ALGORITHMS:
        raise KeyRejected(f"JWK alg {algorithm!r:.40} is not a supported signature algorithm")
    kid = jwk.get("kid")
    loader = _JWK_LOADERS.get(kty) if isinstance(kty, str) else None
    if loader is None:
        raise KeyRejected(f"JWK kty {kty!r:.40} is not RSA, EC or OKP")
    try:
        key = loader(dict(jwk))
    except (InvalidKeyError, ValueError, KeyError, TypeError) as exc:
        raise KeyRejected(f"JWK does not parse: {exc}") from None
    return PublicKey(key=key, kid=kid, algorithm=algorithm)


def validate_jwks_url(url: str) -> str:
    """Check a JWKS URL: https only (http only for 127.0.0.1/localhost), no credentials."""
    if not isinstance(url, str):
        raise KeyRejected(f"JWKS URL is a {type(url).__name__}, not text")
    url = url.strip()
    refused = _why_jwks_url_refused(url)
    if refused:
        raise KeyRejected(
            f"JWKS URL {url!r:.120} refused: {refused}",
            user_message=(
                f"This JWKS URL cannot be used: {refused}. It must start with https:// "
                "(http:// only for 127.0.0.1 or localhost)."
            ),
        )
    return url


def _why_jwks_url_refused(url: str) -> str | None:
    if not url:
        return "it is empty"
    if len(url) > MAX_URL_CHARS:
        return f"it is longer than {MAX_URL_CHARS} characters"
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port raises on an invalid one
    except ValueError:
        return "it is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        return f"the scheme {scheme or '(none)'!r} is not allowed"
    if not parts.hostname:
        return "it has no host"
    if parts.username is not None or parts.password is not None:
        return "it contains a user name or password"
    if parts.fragment:
        return "it has a #fragment"
    if scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "plain http is allowed only for 127.0.0.1 and localhost"
    return None
