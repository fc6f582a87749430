"""Groups from the token (issue 14): read the admin's claim, and say or make what it changes."""

from collections.abc import Mapping
from typing import Any

from parley.accounts.models import User
from parley.errors import ValidationFailed, shown
from parley.groups import services as groups
from parley.strict_json import json_type

from .errors import InvalidClaims
from .models import JwtSettings

MAX_TOKEN_GROUPS = 100
_ABSENT = object()


def read_token_groups(*, payload: Mapping[str, Any], jwt_settings: JwtSettings) -> list[str] | None:
    """The group names the code carries, cleaned; None when taking groups from the token is
    off or the code has no such claim (then no membership changes)."""
    if not jwt_settings.groups_from_token:
        return None
    return read_claimed_groups(payload=payload, claim=jwt_settings.groups_claim)


def read_claimed_groups(*, payload: Mapping[str, Any], claim: str) -> list[str] | None:
    """The group names in `claim` of a login's claims (a JWT's payload, an SSO provider's
    id_token and userinfo), cleaned; None when there is no such claim. A claim that is not a
    list of at most MAX_TOKEN_GROUPS valid names raises InvalidClaims: the login is refused
    and nothing changes."""
    value = _claim_value(payload, claim)
    if value is _ABSENT:
        return None
    if not isinstance(value, list):
        raise InvalidClaims(f"{claim} {shown(value)} is {json_type(value)}, not a list of strings")
    if len(value) > MAX_TOKEN_GROUPS:
        raise InvalidClaims(f"{claim} has {len(value)} groups, more than {MAX_TOKEN_GROUPS}")
    names, seen = [], set()
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InvalidClaims(
                f"{claim}[{index}] {shown(item)} is {json_type(item)}, not a string"
            )
        try:
            name = groups.clean_group_name(item, field=f"{claim}[{index}]")
        except ValidationFailed as refused:
            raise InvalidClaims(refused.reason) from None
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _claim_value(payload: Mapping[str, Any], claim: str) -> Any:
    """The claim by its whole name first (namespaced claims such as
    "https://example.com/groups" hold dots), else by its dotted path ("user.groups")."""
    if claim in payload:
        return payload[claim]
    value: Any = payload
    for part in claim.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _ABSENT
        value = value[part]
    return value


def apply_token_groups(
    *, user: User, names: list[str] | None, jwt_settings: JwtSettings
) -> groups.TokenGroupChanges | None:
    """Make the login's membership changes (inside its transaction); None when the code
    carries no groups to apply."""
    if names is None:
        return None
    return groups.sync_from_token(
        user=user,
        names=names,
        mode=jwt_settings.groups_mode,
        unknown=jwt_settings.unknown_groups,
    )


def predict_token_groups(
    *, user: User | None, names: list[str] | None, jwt_settings: JwtSettings
) -> tuple[str, ...]:
    """The token tester's notes on what a login would do to the person's groups."""
    if not jwt_settings.groups_from_token:
        return ()
    if names is None:
        return (f"Groups: the code has no {jwt_settings.groups_claim} claim, so no change.",)
    changes, _ = groups.plan_token_groups(
        user=user,
        names=names,
        mode=jwt_settings.groups_mode,
        unknown=jwt_settings.unknown_groups,
    )
    notes = []
    if changes.added:
        notes.append(f"Groups: would join {', '.join(changes.added)}.")
    if changes.created:
        notes.append(f"Groups: would create {', '.join(changes.created)} (unknown until now).")
    if changes.removed:
        notes.append(f"Groups: would leave {', '.join(changes.removed)}.")
    if changes.ignored:
        notes.append(f"Groups: unknown, ignored: {', '.join(changes.ignored)}.")
    if changes.kept:
        notes.append(
            f"Groups: stays in {', '.join(changes.kept)} (set by an admin or SCIM, "
            "never removed by a token)."
        )
    if not notes:
        notes.append("Groups: no change.")
    return tuple(notes)
