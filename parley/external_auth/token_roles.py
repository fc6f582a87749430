"""Roles from the token (issue 14): never, unless an owner turned it on and listed which roles
a token may grant; a token can never grant owner."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parley.accounts import roles
from parley.accounts import services as accounts
from parley.accounts.models import Role, User
from parley.audit import actors
from parley.errors import ValidationFailed, shown

from .errors import AdminJwtNotAllowed, InvalidClaims, RoleNotAllowed
from .models import JwtSettings
from .services import get_jwt_settings, update_policy

CLAIM_MAX_LENGTH = 255


@dataclass(frozen=True)
class RolePlan:
    """What a login's claims do to a person's role: `role` to give (None: no change)."""

    role: str | None = None
    note: str | None = None  # for the login's audit event


def plan_claimed_role(
    *,
    current: str,
    public_id: str,
    payload: Mapping[str, Any],
    enabled: bool,
    claim: str,
    allowed: list[str],
    staff_allowed: bool,
) -> RolePlan:
    """The one rule for roles from a login's claims (JWT or SSO), for someone whose role is
    `current` (a person the login would create is a member): nothing unless `enabled` by an
    owner; only the `allowed` roles, never owner; a person whose role was given in the panel
    outside `allowed` keeps it; a staff role needs `staff_allowed`. Raises the error the
    login would end with. Reads nothing: logins and the token tester all ask it."""
    if not enabled:
        return RolePlan()
    found, value = _claim(payload, claim)
    if not found:
        return RolePlan()
    if not isinstance(value, str) or value not in Role.values:
        raise InvalidClaims(f"role claim {claim} is {shown(value)}, not a role")
    allowed = [r for r in allowed if r != Role.OWNER]
    if value not in allowed:
        raise RoleNotAllowed(f"the token asks for role {value!r}; tokens may grant {allowed}")
    if current == value:
        return RolePlan()
    if current not in allowed:
        return RolePlan(note=f"role {current} kept: tokens may not change it")
    if roles.is_staff(value) and not staff_allowed:
        raise AdminJwtNotAllowed(
            f"the token makes user {public_id!r} {value}, and admins may not log in with a JWT"
        )
    return RolePlan(role=value, note=f"role {current} -> {value} from the token")


def _jwt_rule(jwt_settings: JwtSettings) -> dict[str, Any]:
    return {
        "enabled": jwt_settings.roles_from_token,
        "claim": jwt_settings.roles_claim,
        "allowed": allowed_token_roles(jwt_settings),
        "staff_allowed": jwt_settings.admins_may_use_jwt,
    }


def apply_claimed_role(
    *, user: User, payload: Mapping[str, Any], by: str, **rule: Any
) -> str | None:
    """Inside the login's transaction, after provisioning: give `user` the role the claims
    name (plan_claimed_role's rule, given as its keyword arguments), audited as made `by`.
    Returns an audit note when the role changed or was kept."""
    plan = plan_claimed_role(current=user.role, public_id=user.public_id, payload=payload, **rule)
    if plan.role is not None:
        user.role = accounts.set_role(user=user, role=plan.role, by=by).role
    return plan.note


def apply_token_role(
    *, user: User, payload: Mapping[str, Any], jwt_settings: JwtSettings
) -> str | None:
    """The JWT login's roles: the owner's JWT settings, a staff role only when "admins may
    log in with a JWT" is on, as for any staff login."""
    return apply_claimed_role(
        user=user, payload=payload, by=actors.TOKEN, **_jwt_rule(jwt_settings)
    )


def predict_token_role(
    *, user: User | None, public_id: str, payload: Mapping[str, Any], jwt_settings: JwtSettings
) -> tuple[str, ...]:
    """The token tester's note on what a login would do to the person's role (`user` None:
    a person the login would create). Raises what the login would be refused with."""
    if not jwt_settings.roles_from_token:
        return ()
    current = user.role if user is not None else Role.MEMBER
    plan = plan_claimed_role(
        current=current, public_id=public_id, payload=payload, **_jwt_rule(jwt_settings)
    )
    label = dict(Role.choices)
    if plan.role is not None:
        return (f"Role: would become {label[plan.role]} (from {jwt_settings.roles_claim}).",)
    if plan.note is not None:
        return (f"Role: stays {label[current]}: tokens may not change it.",)
    found, _ = _claim(payload, jwt_settings.roles_claim)
    if not found:
        return (f"Role: the code has no {jwt_settings.roles_claim} claim, so no change.",)
    return (f"Role: stays {label[current]}.",)


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
