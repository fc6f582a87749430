"""Which user a verified payload asks for (DESIGN §4.3), decided without touching the DB."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from parley.accounts.validation import clean_email, clean_metadata, clean_name, clean_public_id
from parley.errors import ValidationFailed, shown
from parley.strict_json import json_type

from .errors import InvalidClaims


@dataclass(frozen=True)
class Upsert:
    """`user` object: log in the user with this id, creating it if unknown."""

    user_id: str
    email: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # user.name, the display name; None when the claim is absent


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
        raise InvalidClaims(f"user is {json_type(user)}, not an object")
    if "id" not in user:
        raise InvalidClaims("user object has no id")
    # The doc asks for a string, but `id: user.id` from a database is often a number;
    # an integer means its decimal string, exactly as the top-level `id` does.
    user_id = _id_text(user["id"], claim="user.id")
    # null or "" means "no email" (a Node integrator's user.email may well be null).
    email = _email(user.get("email"), claim="user.email")
    # `name` also stays in the metadata, where integrators have always found it.
    metadata = {key: value for key, value in user.items() if key not in ("id", "email")}
    try:
        metadata = clean_metadata(metadata, field="user metadata")
        name = clean_name(user["name"], field="user.name") if "name" in user else None
    except ValidationFailed as refused:
        raise InvalidClaims(refused.reason) from None
    return Upsert(user_id=user_id, email=email, metadata=metadata, name=name)


def _public_id(value: Any) -> str:
    return _id_text(value, claim="id")


def _id_text(value: Any, *, claim: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidClaims(
            f"{claim} {shown(value)} is {json_type(value)}, not a string or integer"
        )
    # The accounts rule, so a JWT can address every user an admin or the API creates.
    try:
        return clean_public_id(str(value), field=claim)
    except ValidationFailed as refused:
        raise InvalidClaims(refused.reason) from None


def _email(value: Any, *, claim: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidClaims(f"{claim} {shown(value)} is {json_type(value)}, not a string")
    try:
        return clean_email(value, field=claim)
    except ValidationFailed as refused:
        raise InvalidClaims(refused.reason) from None
