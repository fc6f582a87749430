"""What the admin panel needs beyond services.py: key summaries, jti and user look-ups."""

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from parley.accounts import services as accounts
from parley.accounts.models import User

from .errors import KeyRejected
from .key_input import parse_public_key_pem
from .keys import VerifyingKey, algorithms_for
from .models import PublicKey
from .replay import is_jti_used

_ALGORITHM_ORDER = ("RS", "PS", "ES", "Ed")


@dataclass(frozen=True)
class PublicKeySummary:
    """A configured public key as the admin panel lists it."""

    id: int
    kid: str
    key_type: str
    algorithms: str
    fingerprint: str
    created_at: datetime


def public_key_summaries() -> list[PublicKeySummary]:
    return [_summarise(row) for row in PublicKey.objects.all()]


def _summarise(row: PublicKey) -> PublicKeySummary:
    try:
        key = parse_public_key_pem(row.pem)
    except KeyRejected as rejected:
        # Stored under older rules, or edited in the database: list it so it can be removed.
        return PublicKeySummary(
            id=row.pk,
            kid=row.kid,
            key_type=f"Unusable: {rejected.user_message}",
            algorithms="",
            fingerprint="",
            created_at=row.created_at,
        )
    verifying = VerifyingKey(key=key, kid=row.kid or None)
    algorithms = sorted(
        verifying.algorithms,
        key=lambda name: (_ALGORITHM_ORDER.index(name[:2]), name),
    )
    return PublicKeySummary(
        id=row.pk,
        kid=row.kid,
        key_type=_key_type(key),
        algorithms=", ".join(algorithms),
        fingerprint=verifying.fingerprint,
        created_at=row.created_at,
    )


def _key_type(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}-bit"
    if isinstance(key, ec.EllipticCurvePublicKey):
        names = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
        return f"EC {names.get(key.curve.name, key.curve.name)}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    return ", ".join(sorted(algorithms_for(key))) or "Unknown"


def jti_already_used(*, jti: str, now: float) -> bool:
    """Whether one-time use would refuse this `jti` now (read-only)."""
    return is_jti_used(jti=jti, now=now)


def find_user(*, id_or_email: str) -> User | None:
    """A user by public id, else by email address (how admins name someone)."""
    text = id_or_email.strip()
    if not text:
        return None
    return accounts.find_user_by_public_id(text) or accounts.find_user_by_email(text)
