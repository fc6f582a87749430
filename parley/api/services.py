"""What the API does with users beyond one accounts service call: updates that change several
fields at once (all or nothing), and looking users up by what an integrator has at hand."""

import json
from datetime import timedelta

from django.db import connection, transaction

from parley.accounts import services as accounts
from parley.accounts.login_links import create_login_link
from parley.accounts.models import Status, User
from parley.errors import NotFound, ValidationFailed

from .errors import LinkUserInactive

METADATA_MAX_BYTES = 16 * 1024
_UNSET = object()


def user_by_public_id(public_id: str) -> User:
    # An id no user can have (Parley refuses control characters and long ids) is not looked
    # up: some databases refuse such strings outright.
    if len(public_id) > accounts.PUBLIC_ID_MAX_LENGTH or any(ord(c) < 32 for c in public_id):
        raise NotFound(f"no user with id {public_id[:80]!r}")
    return accounts.get_user(public_id=public_id)


def user_by_email(email: str) -> User:
    user = accounts.find_user_by_email(email) if "\x00" not in email else None
    if user is None:
        raise NotFound("no user with this email", user_message="No user has this email address.")
    return user


def clean_metadata(metadata: dict) -> dict:
    text = json.dumps(metadata, ensure_ascii=False)
    if len(text.encode()) > METADATA_MAX_BYTES:
        raise ValidationFailed(
            "metadata too large",
            user_message=f"Metadata must be at most {METADATA_MAX_BYTES // 1024} KiB of JSON.",
        )
    # PostgreSQL's jsonb cannot hold U+0000; SQLite stores it like any other character.
    if connection.vendor == "postgresql" and "\\u0000" in text:
        raise ValidationFailed(
            "metadata holds NUL", user_message="Metadata must not contain NUL characters."
        )
    return metadata


def update_user(
    *,
    user: User,
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
            user = accounts.set_role(user=user, role=role)
        if email is not _UNSET:
            user = accounts.update_email(user=user, email=email)
        if metadata is not None:
            user.metadata = clean_metadata(metadata)
            user.save(update_fields=["metadata"])
    user.refresh_from_db()
    return user


def login_link_for(*, user: User, lifetime: timedelta, created_by: str) -> str:
    if user.status != Status.ACTIVE:
        raise LinkUserInactive(f"user {user.public_id} is deactivated")
    return create_login_link(user=user, lifetime=lifetime, created_by=created_by)
