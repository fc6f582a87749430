"""Which user a verified payload asks for (DESIGN §4.3), decided without touching the DB."""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .errors import InvalidClaims, shown

MAX_ID_LENGTH = 255  # accounts.services.PUBLIC_ID_MAX_LENGTH
MAX_EMAIL_LENGTH = 254
# Control, format (zero-width, bidi overrides), surrogate and line/paragraph separator
# characters: invisible or layout-changing, so two ids that look alike could differ.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class Upsert:
    """`user` object: log in the user with this id, creating it if unknown."""

    user_id: str
    email: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LookupById:
    """`id`: log in an existing user by public id."""

    public_id: str


@dataclass(frozen=True)
class LookupByEmail:
    """`email`: log in an existing user by email address."""

    email: str


IdentityRequest = Upsert | LookupById | LookupByEmail


def parse_identity(*, payload: Mapping[str, Any]) -> IdentityRequest:
    """`user` → Upsert; else `id` → LookupById (it wins over `email`); else `email` →
    LookupByEmail. Anything else, or a claim of the wrong shape, raises InvalidClaims."""
    if "user" in payload:
        return _upsert(payload["user"])
    if "id" in payload:
        return LookupById(public_id=_public_id(payload["id"]))
    if "email" in payload:
        email = _email(payload["email"], claim="email")
        if email is None:
            raise InvalidClaims(f"email {shown(payload['email'])} is empty or null")
        return LookupByEmail(email=email)
    raise InvalidClaims("payload needs id, email or user.id")


def _upsert(user: Any) -> Upsert:
    if not isinstance(user, dict):
        raise InvalidClaims(f"user is a {_json_type(user)}, not an object")
    if "id" not in user:
        raise InvalidClaims("user object has no id")
    # The doc asks for a string, but `id: user.id` from a database is often a number;
    # an integer means its decimal string, exactly as the top-level `id` does.
    user_id = _id_text(user["id"], claim="user.id")
    # null or "" means "no email" (a Node integrator's user.email may well be null).
    email = _email(user.get("email"), claim="user.email")
    metadata = {key: value for key, value in user.items() if key not in ("id", "email")}
    if _has_nul(metadata):
        # PostgreSQL's jsonb cannot hold U+0000; refuse it on every database alike.
        raise InvalidClaims("user metadata contains a U+0000 character")
    return Upsert(user_id=user_id, email=email, metadata=metadata)


def _public_id(value: Any) -> str:
    return _id_text(value, claim="id")


def _id_text(value: Any, *, claim: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidClaims(
            f"{claim} {shown(value)} is a {_json_type(value)}, not a string or integer"
        )
    return _clean_id(str(value) if isinstance(value, int) else value, claim=claim)


def _clean_id(value: str, *, claim: str) -> str:
    if not value.strip():
        raise InvalidClaims(f"{claim} is empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidClaims(f"{claim} has {len(value)} characters, more than {MAX_ID_LENGTH}")
    refused = next((ch for ch in value if unicodedata.category(ch) in _REFUSED_CATEGORIES), None)
    if refused is not None:
        raise InvalidClaims(
            f"{claim} {shown(value)} contains the invisible or control character "
            f"U+{ord(refused):04X}"
        )
    return value


def _email(value: Any, *, claim: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidClaims(f"{claim} {shown(value)} is a {_json_type(value)}, not a string")
    email = value.strip()
    if not email:
        return None
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidClaims(f"{claim} has {len(email)} characters, more than {MAX_EMAIL_LENGTH}")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidClaims(f"{claim} {shown(email)} is not a valid email address") from None
    return email


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    names = {dict: "object", list: "array", str: "string", int: "integer", float: "number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False
