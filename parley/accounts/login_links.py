"""One-time login links: made for a user (by the CLI, an admin, later the API), used once."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parley.errors import LoginLinkExpired, LoginLinkInvalid, LoginLinkUsed, UserDeactivated

from .models import LoginLink, Status, User
from .tokens import hash_secret

DEFAULT_LIFETIME = timedelta(hours=1)
MAX_LIFETIME = timedelta(days=7)


def create_login_link(
    *, user: User, lifetime: timedelta = DEFAULT_LIFETIME, created_by: str = ""
) -> str:
    """Return the absolute URL of a new one-time link; only its hash is stored. A
    deactivated user gets none (UserDeactivated, 409: their state conflicts with the
    request), whoever asks: the link could not log them in."""
    # From the database, not the object passed in: it may predate a deactivation.
    if not User.objects.filter(pk=user.pk, status=Status.ACTIVE).exists():
        raise UserDeactivated(
            f"no login link for user {user.public_id}: deactivated",
            user_message="This user is deactivated; reactivate them before creating a login link.",
            status=409,
        )
    lifetime = min(max(lifetime, timedelta(minutes=1)), MAX_LIFETIME)
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        user=user,
        token_hash=hash_secret(token),
        expires_at=timezone.now() + lifetime,
        created_by=created_by[:64],
    )
    return settings.PUBLIC_URL + reverse("login_link", kwargs={"token": token})


def consume_login_link(*, token: str) -> User:
    """Mark the link used and return its user, or raise why it cannot be used."""
    if not token or len(token) > 128:
        raise LoginLinkInvalid("login link token malformed")
    with transaction.atomic():
        link = (
            LoginLink.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=hash_secret(token))
            .first()
        )
        if link is None:
            raise LoginLinkInvalid("no login link with this token")
        if link.used_at is not None:
            raise LoginLinkUsed(f"login link for user {link.user.public_id} already used")
        if link.expires_at <= timezone.now():
            raise LoginLinkExpired(f"login link for user {link.user.public_id} expired")
        if link.user.status != Status.ACTIVE:
            raise UserDeactivated(f"user {link.user.public_id} is deactivated")
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return link.user
