"""When a login from outside (a JWT, an SSO provider) may take over the existing user that
holds its email address: one rule for every such login."""

from .models import User


def link_refusal(*, holder: User, allowed: bool, taken_by: str = "") -> str | None:
    """Why the login may not link to `holder`, found by its email, or None when it may.

    Never an admin (any staff role), whatever the switches say: linking trusts the other
    side's word for the email, and an email alone must not be enough to become an admin.
    `taken_by` names the identity the holder already has from the same kind of login (a
    second one is a conflict, not a takeover); `allowed` is the owner's link-by-email switch.
    """
    if holder.is_staff:
        return "belongs to an admin, and linking never takes over an admin"
    if taken_by:
        return f"belongs to {taken_by}"
    if not allowed:
        return f"belongs to user {holder.public_id!r} (linking by email is off)"
    return None
