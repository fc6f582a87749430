"""Roles from the token (issue 14): never, unless an owner turned it on and listed which roles
a token may grant; a token can never grant owner."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from parley.accounts import roles
from parley.accounts import services as accounts
from parley.accounts.models import Role, User
from parley.errors import ValidationFailed, shown

from .errors import AdminJwtNotAllowed, InvalidClaims, RoleNotAllowed
from .models import JwtSettings
from .services import get_jwt_settings, update_policy

CLAIM_MAX_LENGTH = 255


def apply_token_role(
    *, user: User, payload: Mapping[str, Any], jwt_settings: JwtSettings
) -> str | None:
    """Inside the login's transaction, after provisioning: give `user` the role the token
    names, if the owner lets tokens grant it. Returns an audit note when the role changed.
    A staff role from the token still needs "admins may log in with a JWT", as for any
    staff login."""
    return apply_claimed_role(
        user=user,
        payload=payload,
        enabled=jwt_settings.roles_from_token,
        claim=jwt_settings.roles_claim,
        allowed=allowed_token_roles(jwt_settings),
        staff_allowed=jwt_settings.admins_may_use_jwt,
    )


def apply_claimed_role(
    *,
    user: User,
    payload: Mapping[str, Any],
    enabled: bool,
    claim: str,
    allowed: list[str],
    staff_allowed: bool,
) -> str | None:
    """The one rule for roles from a login's claims (JWT or SSO): nothing unless `enabled`
    by an owner; only the `allowed` roles (never owner); a person whose role was given in
    the panel outside `allowed` keeps it. Returns an audit note when the role changed."""
    if not enabled:
        return None
    found, value = _claim(payload, claim)
    if not found:
        return None
    if not isinstance(value, str) or value not in Role.values:
        raise InvalidClaims(f"role claim {claim} is {shown(value)}, not a role")
    allowed = [r for r in allowed if r != Role.OWNER]
    if value not in allowed:
        raise RoleNotAllowed(f"the token asks for role {value!r}; tokens may grant {allowed}")
    if user.role == value:
        return None
    if user.role not in allowed:
        return f"role {user.role} kept: tokens may not change it"
    if roles.is_staff(value) and not staff_allowed:
        raise AdminJwtNotAllowed(
            f"the token makes user {user.public_id!r} {value}, and admins may not log in with a JWT"
        )
    previous = user.role
    user.role = accounts.set_role(user=user, role=value).role
    return f"role {previous} -> {value} from the token"


def allowed_token_roles(jwt_settings: JwtSettings) -> list[str]:
    """The roles a token may grant: the owner's list, never owner whatever was stored."""
    stored = jwt_settings.token_roles_allowed
    listed = stored if isinstance(stored, list) else []
    return [r for r in Role.values if r in listed and r != Role.OWNER]


def set_token_roles(*, enabled: bool, claim: str, allowed: list[str]) -> JwtSettings:
    """An owner's switch: take roles from the token's `claim` (a dotted path), granting only
    `allowed`. Owner is refused, as is an unknown role or an empty claim."""
    claim = (claim or "").strip()
    if not claim or len(claim) > CLAIM_MAX_LENGTH or any(c.isspace() for c in claim):
        raise ValidationFailed(
            f"invalid roles claim {shown(claim)}",
            user_message="Name the claim as a dotted path without spaces, such as user.role.",
        )
    unknown = [r for r in allowed if r not in Role.values]
    if unknown:
        raise ValidationFailed(
            f"unknown roles {unknown}", user_message=f"Unknown role: {', '.join(unknown)}."
        )
    if Role.OWNER in allowed:
        raise ValidationFailed(
            "a token may never grant owner",
            user_message="A token can never make someone an owner.",
        )
    with transaction.atomic():
        get_jwt_settings()
        row = JwtSettings.objects.select_for_update().get(pk=1)
        row.roles_from_token = bool(enabled)
        row.roles_claim = claim
        row.token_roles_allowed = [r for r in Role.values if r in allowed]
        row.save(
            update_fields=["roles_from_token", "roles_claim", "token_roles_allowed", "updated_at"]
        )
    return row


def update_policy_and_token_roles(
    *,
    changes: dict,
    enabled: bool | None = None,
    claim: str | None = None,
    allowed: list[str] | None = None,
) -> JwtSettings:
    """The policy changes and the token-role switches given (None: as they are), together:
    if one is refused, none is kept (the CLI's `parley jwt policy`)."""
    with transaction.atomic():
        row = update_policy(**changes) if changes else get_jwt_settings()
        if (enabled, claim, allowed) != (None, None, None):
            row = set_token_roles(
                enabled=row.roles_from_token if enabled is None else enabled,
                claim=row.roles_claim if claim is None else claim,
                allowed=allowed_token_roles(row) if allowed is None else allowed,
            )
    return row


def _claim(payload: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value
