"""Why an External Authentication code was refused: one error per cause (DESIGN §4.2, §4.3)."""

from typing import Any

from parley.errors import AuthError, ValidationFailed


def shown(value: Any) -> str:
    """A token value as an audit reason shows it: repr (so control characters are escaped),
    cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class JwtDisabled(AuthError):
    code = "jwt_disabled"
    status = 403
    user_message = "Signing in with an external code is switched off on this Parley instance."


class MalformedToken(AuthError):
    code = "malformed_token"
    status = 401
    user_message = "This sign-in link is damaged or incomplete. Please go back and open it again."


class UnsupportedAlgorithm(AuthError):
    code = "unsupported_algorithm"
    status = 401
    user_message = "This sign-in link is not valid. Please go back and open it again."


class InvalidSignature(AuthError):
    code = "invalid_signature"
    status = 401
    user_message = "This sign-in link is not valid. Please go back and open it again."


class TokenExpired(AuthError):
    code = "token_expired"
    status = 401
    user_message = "This sign-in link has expired. Please go back and sign in again."


class TokenNotYetValid(AuthError):
    code = "token_not_yet_valid"
    status = 401
    user_message = "This sign-in link is not valid yet. Please try again in a minute."


class InvalidIssuer(AuthError):
    code = "invalid_issuer"
    status = 401
    user_message = "This sign-in link was not issued for this Parley instance."


class InvalidAudience(AuthError):
    code = "invalid_audience"
    status = 401
    user_message = "This sign-in link was not issued for this Parley instance."


class TokenReplayed(AuthError):
    code = "token_replayed"
    status = 401
    user_message = "This sign-in link has already been used. Please ask for a new one."


class InvalidClaims(AuthError):
    code = "invalid_claims"
    status = 401
    user_message = (
        "This sign-in link does not say who you are in a way Parley understands. "
        "Please contact your administrator."
    )


class UserNotFound(AuthError):
    # 401, not 403: the code was genuine but names no account, so nobody is authenticated;
    # 403 would mean "we know who you are and you may not", which is UserDeactivated.
    code = "user_not_found"
    status = 401
    user_message = (
        "There is no account for this sign-in link on this Parley instance. "
        "Please contact your administrator."
    )


class IdentityConflict(AuthError):
    code = "identity_conflict"
    status = 409
    user_message = (
        "Another account already uses your email address, so we could not sign you in. "
        "Please contact your administrator."
    )


class AdminJwtNotAllowed(AuthError):
    # 403: the code is genuine and names someone, but that someone may not sign in this way.
    code = "admin_jwt_not_allowed"
    status = 403
    user_message = (
        "Administrator accounts cannot sign in with a link from another system here. "
        "Please sign in with your email address instead."
    )


class SwitchNotConfirmed(AuthError):
    code = "switch_not_confirmed"
    status = 403
    user_message = (
        "This confirmation did not come from the page Parley showed you, so nothing was "
        "changed. Please open the sign-in link again."
    )


class LifetimeTooLong(AuthError):
    code = "lifetime_too_long"
    status = 401
    user_message = (
        "This sign-in link is valid for longer than this Parley instance allows. "
        "Please contact your administrator."
    )


class RateLimited(AuthError):
    code = "rate_limited"
    status = 429
    user_message = "Too many sign-in attempts failed. Please wait a few minutes and try again."


class KeyRejected(ValidationFailed):
    """An admin-supplied secret, public key or JWKS URL that must not be used."""

    code = "key_rejected"
    status = 422
    user_message = "This key cannot be used."
