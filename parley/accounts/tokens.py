"""User bearer tokens (API clients, the widget frame): the one check every transport uses."""

import hashlib
import re
import secrets
from datetime import timedelta

from django.utils import timezone

from parley.errors import UserDeactivated, UserTokenExpired, UserTokenInvalid, UserTokenRequired

from .models import Status, User, UserToken

USER_TOKEN_PREFIX = "pu_sess_"
# Admin API keys (parley.api.keys) start with this. Named here so a key sent where a user's
# token belongs is told apart from a token that is simply wrong.
ADMIN_KEY_PREFIX = "pk_live_"
MAX_CREDENTIAL_LENGTH = 128
# RFC 9110 §11: the scheme is case-insensitive and one or more spaces separate it from the
# credential. Anything else (Basic, a cookie-only request) is not a bearer request at all.
_BEARER = re.compile(r"bearer(?: +(?P<credential>.*))?", re.IGNORECASE | re.DOTALL)


def hash_secret(secret: str) -> str:
    """What is stored of a token or key: its SHA-256. The secrets are random, so no salt."""
    return hashlib.sha256(secret.encode()).hexdigest()


def bearer_credential(authorization: str) -> str | None:
    """The credential of an `Authorization: Bearer …` header ("" when it has none); None
    when the header is absent or names another scheme."""
    match = _BEARER.fullmatch(authorization.strip())
    if match is None:
        return None
    return match["credential"] or ""


def authenticate_bearer(*, authorization: str) -> UserToken | None:
    """The valid user token an `Authorization` header carries, or None when it carries no
    bearer credential. Any other credential raises the AuthError that refuses it: the API,
    the widget's endpoints and the chat stream answer each in their own format."""
    credential = bearer_credential(authorization)
    if credential is None:
        return None
    return authenticate_user_token(secret=credential)


def authenticate_user_token(*, secret: str) -> UserToken:
    if secret.startswith(ADMIN_KEY_PREFIX):
        raise UserTokenRequired("an admin API key was sent where a user's token belongs")
    if not secret.startswith(USER_TOKEN_PREFIX) or len(secret) > MAX_CREDENTIAL_LENGTH:
        raise UserTokenInvalid("not a user token")
    token = UserToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or token.revoked_at is not None:
        raise UserTokenInvalid("unknown or revoked user token")
    if token.expires_at <= timezone.now():
        raise UserTokenExpired(f"token of user {token.user.public_id} expired")
    if token.user.status != Status.ACTIVE:
        raise UserDeactivated(f"user {token.user.public_id} is deactivated")
    return token


def issue_user_token(*, user: User, lifetime_seconds: int) -> tuple[UserToken, str]:
    """A new token for `user`, valid `lifetime_seconds`; returns it with the secret, which
    is never stored."""
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


def revoke_user_token(*, token: UserToken) -> None:
    UserToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
