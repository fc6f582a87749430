"""What the API does with users beyond one accounts service call: updates that change several
fields at once (all or nothing), and looking users up by what an integrator has at hand."""

from django.db import transaction

from parley.accounts import services as accounts
from parley.accounts.models import Status, User
from parley.accounts.validation import PUBLIC_ID_MAX_LENGTH
from parley.errors import NotFound

_UNSET = object()


def user_by_public_id(public_id: str) -> User:
    # PostgreSQL refuses U+0000 in a query, and a longer id fits no row. Any other id is
    # looked up as given (not through clean_public_id), so a user whose id an older release
    # accepted can still be managed.
    if len(public_id) > PUBLIC_ID_MAX_LENGTH or "\x00" in public_id:
        raise NotFound(f"no user with id {public_id[:80]!r}")
    return accounts.get_user(public_id=public_id)


def user_by_email(email: str) -> User:
    user = accounts.find_user_by_email(email) if "\x00" not in email else None
    if user is None:
        raise NotFound("no user with this email", user_message="No user has this email address.")
    return user


def update_user(
    *,
    user: User,
    by: str,
    email=_UNSET,
    metadata: dict | None = None,
    role: str | None = None,
    status: str | None = None,
) -> User:
    """Apply the given changes together: if one is refused (seat limit, email taken, last
    admin) none is kept."""
    with transaction.atomic():
        if status == Status.ACTIVE:
            user = accounts.reactivate_user(user=user)
        elif status == Status.DEACTIVATED:
            user = accounts.deactivate_user(user=user)
        if role is not None:
            user = accounts.set_role(user=user, role=role, by=by)
        if email is not _UNSET:
            user = accounts.update_email(user=user, email=email)
        if metadata is not None:
            user = accounts.set_metadata(user=user, metadata=metadata)
    user.refresh_from_db()
    return user
