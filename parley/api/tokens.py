"""Bearer tokens for users of non-browser clients, made by the external-auth exchange."""

import secrets
from datetime import timedelta

from django.utils import timezone

from parley.accounts.models import Status, User
from parley.errors import UserDeactivated

from .errors import UserTokenExpired, UserTokenInvalid, UserTokenRequired
from .keys import API_KEY_PREFIX, USER_TOKEN_PREFIX, hash_secret
from .models import UserToken


def issue_user_token(*, user: User, lifetime_seconds: int) -> tuple[UserToken, str]:
    """A new token for `user`, valid `lifetime_seconds`; returns it with the secret."""
    now = timezone.now()
    # Expired tokens are of no use to anyone: tidy them here rather than in a cron job.
    UserToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    secret = USER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = UserToken.objects.create(
        user=user,
        token_hash=hash_secret(secret),
        expires_at=now + timedelta(seconds=max(1, lifetime_seconds)),
    )
    return token, secret


def authenticate_user_token(*, secret: str) -> UserToken:
    if secret.startswith(API_KEY_PREFIX):
        raise UserTokenRequired("an admin API key was sent to a user endpoint")
    if not secret.startswith(USER_TOKEN_PREFIX) or len(secret) > 128:
        raise UserTokenInvalid("not a user token")
    token = UserToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or token.revoked_at is not None:
        raise UserTokenInvalid("unknown or revoked user token")
    if token.expires_at <= timezone.now():
        raise UserTokenExpired(f"token of user {token.user.public_id} expired")
    if token.user.status != Status.ACTIVE:
        raise UserDeactivated(f"user {token.user.public_id} is deactivated")
    return token


def revoke_user_token(*, token: UserToken) -> None:
    UserToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
