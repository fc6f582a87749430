"""Minting externalAuthCodes here (the admin link generator, `parley jwt mint`) so that
this instance accepts them: JWT on, the current secret, the policy's iss/aud and cap."""

import time
from datetime import timedelta
from urllib.parse import urlencode

import jwt
from django.conf import settings

from parley.accounts.models import User
from parley.errors import AuthError, UserDeactivated, ValidationFailed

from .claims import LookupById, parse_identity
from .errors import AdminJwtNotAllowed, InvalidClaims, JwtDisabled, UserNotFound
from .provisioning import Rules, resolve
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
    _check_named_user(payload, jwt_settings)
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


def _check_named_user(payload: dict, jwt_settings) -> None:
    """The payload must say who, the way a login reads it, and name someone a login would
    accept now: the same `resolve` as the login decides (the admin rule, linking, seats)."""
    try:
        identity = parse_identity(payload=payload)
    except InvalidClaims as error:
        raise ValidationFailed(
            error.reason, user_message=f"The code would be refused: {error.reason}."
        ) from None
    rules = Rules(
        link_by_email=jwt_settings.link_by_email,
        admins_may_use_jwt=jwt_settings.admins_may_use_jwt,
    )
    try:
        resolve(identity=identity, rules=rules)
    except UserNotFound as error:
        missing = (
            f"No user has the ID {identity.public_id!r}"
            if isinstance(identity, LookupById)
            else f"No user has the email address {identity.email!r}"
        )
        raise ValidationFailed(
            error.reason,
            user_message=f"{missing}, so the code would be refused ({error.code}).",
        ) from None
    except UserDeactivated as error:
        raise UserDeactivated(
            error.reason,
            user_message="This user is deactivated: reactivate them before making a code.",
        ) from None
    except AdminJwtNotAllowed as error:
        raise ValidationFailed(
            error.reason,
            user_message=(
                "This user is an admin, and admins may not log in with a JWT here (JWT "
                "settings → Admins may log in with a JWT), so the code would be refused."
            ),
        ) from None
    except AuthError as error:
        raise ValidationFailed(
            error.reason,
            user_message=f"The code would be refused ({error.code}): {error.user_message}",
        ) from None
