"""Minting externalAuthCodes here (the admin link generator, `parley jwt mint`) so that
this instance accepts them: JWT on, the current secret, the policy's iss/aud and cap."""

import time
from datetime import timedelta
from urllib.parse import urlencode

import jwt
from django.conf import settings

from parley.accounts import services as accounts
from parley.accounts.models import User
from parley.errors import UserDeactivated, ValidationFailed

from .claims import LookupByEmail, LookupById, parse_identity
from .errors import InvalidClaims, JwtDisabled
from .services import current_secret, get_jwt_settings
from .urls_cleaning import PARAM


def mint_login_code(*, payload: dict, lifetime: timedelta) -> str:
    """A code for one of the documented payloads (`{"id"}`, `{"email"}`, `{"user": {…}}`)
    that logs in now: refused here, with the reason, when the instance would refuse it."""
    jwt_settings = get_jwt_settings()
    if not jwt_settings.enabled:
        raise JwtDisabled(
            "JWT login is off",
            user_message="Turn JWT login on first: a code made now would be refused.",
        )
    secret = current_secret()
    if secret is None:
        raise ValidationFailed(
            "no current secret", user_message="There is no JWT secret yet: turn JWT login on."
        )
    _check_named_user(payload)
    seconds = int(lifetime.total_seconds())
    if seconds < 1:
        raise ValidationFailed(
            f"lifetime {lifetime} is not positive",
            user_message="The lifetime must be at least one second.",
        )
    limit = jwt_settings.max_lifetime_seconds
    if limit is not None and seconds > limit:
        raise ValidationFailed(
            f"lifetime {lifetime} exceeds the maximum {limit} s",
            user_message=(
                f"This lifetime is longer than the maximum lifetime set in the JWT policy "
                f"({timedelta(seconds=limit)}), so the code would be refused. Pick a shorter one."
            ),
        )
    now = int(time.time())
    claims = {**payload, "iat": now, "exp": now + seconds}
    if jwt_settings.issuer:
        claims["iss"] = jwt_settings.issuer
    if jwt_settings.audience:
        claims["aud"] = jwt_settings.audience
    return jwt.encode(claims, secret.secret, algorithm="HS256")


def mint_login_url(*, user: User, lifetime: timedelta) -> str:
    """A `{PUBLIC_URL}/?externalAuthCode=…` link that logs `user` in by id."""
    return login_url(mint_login_code(payload={"id": user.public_id}, lifetime=lifetime))


def login_url(code: str) -> str:
    return f"{settings.PUBLIC_URL}/?{urlencode({PARAM: code})}"


def _check_named_user(payload: dict) -> None:
    """The payload must say who, the way a login reads it; a user it names must exist (unless
    `user` may create them) and be active."""
    try:
        identity = parse_identity(payload=payload)
    except InvalidClaims as error:
        raise ValidationFailed(
            error.reason, user_message=f"The code would be refused: {error.reason}."
        ) from None
    if isinstance(identity, LookupById):
        user = accounts.find_user_by_public_id(identity.public_id)
        missing = f"No user has the ID {identity.public_id!r}"
    elif isinstance(identity, LookupByEmail):
        user = accounts.find_user_by_email(identity.email)
        missing = f"No user has the email address {identity.email!r}"
    else:  # user.id: logs in the user with that id, or creates one
        user, missing = accounts.find_user_by_public_id(identity.user_id), ""
    if user is None and missing:
        raise ValidationFailed(
            missing, user_message=f"{missing}, so the code would be refused (user_not_found)."
        )
    if user is not None and not user.is_active:
        raise UserDeactivated(
            f"user {user.public_id} is deactivated",
            user_message=f"{user} is deactivated: reactivate them before making a code.",
        )
