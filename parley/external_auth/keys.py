"""The keys that verify External Authentication codes, and the algorithms each may verify."""

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .errors import KeyRejected
from .key_input import (
    EC_ALGORITHM_BY_CURVE,
    PublicKeyObject,
    check_public_key_object,
    check_secret_bytes,
    parse_public_key_pem,
)

MAX_KID_CHARS = 255  # models.PublicKey.kid's max_length

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
PUBLIC_KEY_ALGORITHMS = RSA_ALGORITHMS | set(EC_ALGORITHM_BY_CURVE.values()) | {"EdDSA"}


@dataclass(frozen=True)
class VerifyingKey:
    """A public key that verifies RS*/PS*/ES*/EdDSA codes. `kid` selects it; `algorithm`
    (a JWK's "alg") pins it to one algorithm."""

    key: PublicKeyObject
    kid: str | None = None
    algorithm: str | None = None

    def __post_init__(self):
        check_public_key_object(self.key)
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

    def keys_for(self, kid: str | None) -> Sequence[VerifyingKey]: ...


class KeySourceUnavailable(Exception):
    """A key source could not offer keys; the message is the reason the audit log shows."""


@dataclass(frozen=True)
class VerificationKeys:
    """Everything that may verify a code. A secret is the UTF-8 bytes of the admin's secret
    text (what `jwt.sign(payload, secretString)` uses)."""

    current_secret: bytes | None = field(default=None, repr=False)
    previous_secrets: tuple[PreviousSecret, ...] = ()
    public_keys: tuple[VerifyingKey, ...] = ()
    key_sources: tuple[KeySource, ...] = ()

    def __post_init__(self):
        for name in ("previous_secrets", "public_keys", "key_sources"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        secrets_given = [self.current_secret] if self.current_secret is not None else []
        secrets_given += [previous.secret for previous in self.previous_secrets]
        for secret in secrets_given:
            check_secret_bytes(secret)
        for key in self.public_keys:
            if not isinstance(key, VerifyingKey):
                raise TypeError(f"public_keys must hold VerifyingKey values, not {type(key)}")

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

    def public_keys_for(self, *, kid: str | None, algorithm: str) -> Iterator[VerifyingKey]:
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


def _fits(key: VerifyingKey, *, kid: str | None, algorithm: str) -> bool:
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
            VerifyingKey(key=parse_public_key_pem(pem), kid=kid or None)
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


def _describe(key: PublicKeyObject) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"{key.key_size}-bit RSA key"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name} key"
    return "Ed25519 key"
