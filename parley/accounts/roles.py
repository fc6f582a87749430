"""What each role may do (issue 14): the one capability table every admin page, API route and
CLI command asks, and the rules for who may assign roles and act on whom."""

from parley.errors import RoleForbidden, ValidationFailed

from .models import Role

VIEW_USERS = "view_users"
MANAGE_USERS = "manage_users"
MANAGE_SEATS = "manage_seats"
MANAGE_GROUPS = "manage_groups"
MANAGE_MODELS = "manage_models"
MANAGE_SETTINGS = "manage_settings"
MANAGE_BRANDING = "manage_branding"
MANAGE_JWT_SECRETS = "manage_jwt_secrets"
# What a token is trusted with: granting roles, logging in staff. Owner only, like secrets.
MANAGE_JWT_TRUST = "manage_jwt_trust"
# Identity providers (issue 17): adding one, its client secret, and what SSO is trusted
# with (link by email, roles from claims, SSO only). Owner only: each decides who can
# become a user of the instance, as the JWT secret does.
MANAGE_SSO = "manage_sso"
MANAGE_ROLES = "manage_roles"
MANAGE_API_KEYS = "manage_api_keys"
# SCIM tokens let an identity provider create, deactivate and delete anyone and set group
# memberships: a standing credential that outlives the person who made it, like an API
# key, so owners and admins only (a user manager acts on people, not on credentials).
MANAGE_SCIM = "manage_scim"
TEST_TOKENS = "test_tokens"
VIEW_AUDIT = "view_audit"
VIEW_USAGE = "view_usage"
# The second-factor requirement for staff, and resetting a person's second factors.
MANAGE_SECOND_FACTORS = "manage_second_factors"

_USER_MANAGER = frozenset({VIEW_USERS, MANAGE_USERS, MANAGE_SEATS, MANAGE_GROUPS})
_AUDITOR = frozenset({VIEW_USERS, VIEW_AUDIT, VIEW_USAGE})
_ADMIN = (
    _USER_MANAGER
    | _AUDITOR
    | {
        MANAGE_MODELS,
        MANAGE_SETTINGS,
        MANAGE_BRANDING,
        MANAGE_ROLES,
        MANAGE_API_KEYS,
        MANAGE_SCIM,
        TEST_TOKENS,
    }
)
_OWNER = _ADMIN | {MANAGE_JWT_SECRETS, MANAGE_JWT_TRUST, MANAGE_SSO, MANAGE_SECOND_FACTORS}

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OWNER: _OWNER,
    Role.ADMIN: _ADMIN,
    Role.USER_MANAGER: _USER_MANAGER,
    Role.AUDITOR: _AUDITOR,
    Role.MEMBER: frozenset(),
}
ALL_CAPABILITIES = _OWNER

# Every role that opens the admin panel; each is an admin where a JWT login is concerned.
STAFF_ROLES = frozenset(role for role, caps in CAPABILITIES.items() if caps)

# Most powerful first, as Role lists them: an actor acts on people at or below its own rank.
_RANK = {role: len(Role.values) - index for index, role in enumerate(Role.values)}


def capabilities_of(role: str) -> frozenset[str]:
    return CAPABILITIES.get(role, frozenset())


def can(role: str, capability: str) -> bool:
    if capability not in ALL_CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")  # a typo must not deny quietly
    return capability in capabilities_of(role)


def is_staff(role: str) -> bool:
    return role in STAFF_ROLES


def outranks_or_equals(role: str, other: str) -> bool:
    return _RANK.get(role, 0) >= _RANK.get(other, 0)


def assignable_roles(role: str) -> list[str]:
    """The roles `role` may give to a user or an API key: owners any, admins any but owner."""
    if not can(role, MANAGE_ROLES):
        return []
    return [r for r in Role.values if r != Role.OWNER or role == Role.OWNER]


def require(role: str, capability: str) -> None:
    if not can(role, capability):
        raise RoleForbidden(f"role {role} lacks {capability}")


def require_may_assign(*, acting_role: str, role: str) -> None:
    """Raise ValidationFailed for an unknown role, RoleForbidden unless `acting_role` may
    give `role`."""
    if role not in Role.values:
        raise ValidationFailed(f"unknown role {role!r}", user_message="Unknown role.")
    if role not in assignable_roles(acting_role):
        raise RoleForbidden(
            f"role {acting_role} may not assign role {role}",
            user_message=(
                "Only an owner can make someone an owner."
                if role == Role.OWNER and can(acting_role, MANAGE_ROLES)
                else "Your role cannot give this role."
            ),
        )


def require_may_act_on(*, acting_role: str, subject_role: str) -> None:
    """Raise RoleForbidden when the subject outranks the actor: a user manager cannot
    deactivate an admin or mint their login link, an admin cannot touch an owner."""
    if not outranks_or_equals(acting_role, subject_role):
        raise RoleForbidden(
            f"role {acting_role} may not act on a user with role {subject_role}",
            user_message="Your role cannot change this person: they have a higher role.",
        )
