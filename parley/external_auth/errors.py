"""Why an External Authentication code was refused: one error per cause (DESIGN §4.2, §4.3)."""

from enum import StrEnum

from parley.errors import AuthError, ValidationFailed


class Step(StrEnum):
    """The checks of DESIGN §4.2-4.3, in the order a login runs them (the tester's rows)."""

    ENABLED = "enabled"
    STRUCTURE = "structure"
    ALGORITHM = "algorithm"
    SIGNATURE = "signature"
    TIME = "time"
    ISSUER_AUDIENCE = "issuer_audience"
    ONE_TIME = "one_time"
    IDENTITY = "identity"


class CodeRefused(AuthError):
    """A code that failed one check; `step` says which, so nothing parses it from the reason.
    A class's usual step may be overridden where a claim belongs to another check (a
    non-numeric `exp` is malformed, but it fails the time check)."""

    step = Step.STRUCTURE

    def __init__(self, reason: str = "", *, step: Step | None = None, **kwargs):
        super().__init__(reason, **kwargs)
        if step is not None:
            self.step = step


class JwtDisabled(CodeRefused):
    code = "jwt_disabled"
    status = 403
    user_message = "Signing in with an external code is switched off on this Parley instance."
    step = Step.ENABLED


class MalformedToken(CodeRefused):
    code = "malformed_token"
    status = 401
    user_message = "This sign-in link is damaged or incomplete. Please go back and open it again."
    step = Step.STRUCTURE


class UnsupportedAlgorithm(CodeRefused):
    code = "unsupported_algorithm"
    status = 401
    user_message = "This sign-in link is not valid. Please go back and open it again."
    step = Step.ALGORITHM


class InvalidSignature(CodeRefused):
    code = "invalid_signature"
    status = 401
    user_message = "This sign-in link is not valid. Please go back and open it again."
    step = Step.SIGNATURE


class TokenExpired(CodeRefused):
    code = "token_expired"
    status = 401
    user_message = "This sign-in link has expired. Please go back and sign in again."
    step = Step.TIME


class TokenNotYetValid(CodeRefused):
    code = "token_not_yet_valid"
    status = 401
    user_message = "This sign-in link is not valid yet. Please try again in a minute."
    step = Step.TIME


class InvalidIssuer(CodeRefused):
    code = "invalid_issuer"
    status = 401
    user_message = "This sign-in link was not issued for this Parley instance."
    step = Step.ISSUER_AUDIENCE


class InvalidAudience(CodeRefused):
    code = "invalid_audience"
    status = 401
    user_message = "This sign-in link was not issued for this Parley instance."
    step = Step.ISSUER_AUDIENCE


class TokenReplayed(CodeRefused):
    code = "token_replayed"
    status = 401
    user_message = "This sign-in link has already been used. Please ask for a new one."
    step = Step.ONE_TIME


class InvalidClaims(CodeRefused):
    code = "invalid_claims"
    status = 401
    user_message = (
        "This sign-in link does not say who you are in a way Parley understands. "
        "Please contact your administrator."
    )
    step = Step.IDENTITY


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


class LifetimeTooLong(CodeRefused):
    code = "lifetime_too_long"
    status = 401
    user_message = (
        "This sign-in link is valid for longer than this Parley instance allows. "
        "Please contact your administrator."
    )
    step = Step.TIME


class KeyRejected(ValidationFailed):
    """An admin-supplied secret, public key or JWKS URL that must not be used."""

    code = "key_rejected"
    status = 422
    user_message = "This key cannot be used."


class RoleNotAllowed(CodeRefused):
    # 403: the code is genuine, but asks for a role the owner did not let tokens grant.
    code = "role_not_allowed"
    status = 403
    user_message = (
        "This sign-in link asks for a role this Parley instance does not accept from other "
        "systems. Please contact your administrator."
    )
    step = Step.IDENTITY
