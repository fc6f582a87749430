"""The error hierarchy: each error carries a stable code (the audit reason and API error code),
a message for people, and the HTTP status it maps to."""

from typing import Any


def shown(value: Any) -> str:
    """A value as an audit reason shows it: repr (so control characters are escaped), cut to
    a readable length."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ParleyError(Exception):
    code = "error"
    status = 400
    user_message = "Something went wrong."
    # The heading of the error page a person sees (parley.web.errors.render_error).
    page_title = "We could not sign you in"

    def __init__(
        self, reason: str = "", *, user_message: str | None = None, status: int | None = None
    ):
        # `reason` is the exact, admin-facing cause written to the audit log; never shown
        # to the end user, who gets `user_message`.
        self.reason = reason or self.code
        if user_message is not None:
            self.user_message = user_message
        if status is not None:
            self.status = status
        super().__init__(self.reason)


class ValidationFailed(ParleyError):
    code = "validation_failed"
    status = 422
    user_message = "Some of the information given is not valid."


class NotFound(ParleyError):
    code = "not_found"
    status = 404
    user_message = "That could not be found."


class AuthError(ParleyError):
    code = "auth_error"
    status = 401
    user_message = "We could not sign you in."


class SeatLimitReached(AuthError):
    code = "seat_limit_reached"
    status = 409
    user_message = (
        "All seats on this Parley instance are taken, so no new account can be created "
        "right now. Please ask your administrator to free or add a seat."
    )


class EmailTaken(ParleyError):
    code = "email_taken"
    status = 409
    user_message = "Another user already has this email address."


class UserIdTaken(ParleyError):
    code = "user_id_taken"
    status = 409
    user_message = "Another user already has this user ID."


class UserDeactivated(AuthError):
    code = "user_deactivated"
    status = 403
    user_message = "Your account has been deactivated. Please contact your administrator."


class AwaitingApproval(AuthError):
    """An email signup the admins have not approved yet (InstanceSettings.signup_needs_approval)."""

    code = "awaiting_approval"
    status = 403
    page_title = "Waiting for approval"
    user_message = (
        "Thanks, your email is confirmed. Your account is waiting for an administrator's "
        "approval; you can sign in once it is approved."
    )


class UserTokenInvalid(AuthError):
    code = "token_invalid"
    status = 401
    user_message = "This token is not valid. Log in again."


class UserTokenExpired(AuthError):
    code = "session_expired"
    status = 401
    user_message = "This session has expired. Log in again."


class UserTokenRequired(AuthError):
    code = "user_token_required"
    status = 403
    user_message = "This endpoint needs a user's token from POST /api/v1/auth/external."


class SignupExpired(AuthError):
    code = "signup_expired"
    status = 410
    user_message = (
        "This sign-up is no longer waiting for its code: it expired, or a newer sign-up for "
        "the same address replaced it. Please sign up again."
    )


class LoginLinkInvalid(AuthError):
    code = "login_link_invalid"
    status = 401
    user_message = "This login link is not valid. Ask for a new one."


class LoginLinkExpired(AuthError):
    code = "login_link_expired"
    status = 401
    user_message = "This login link has expired. Ask for a new one."


class LoginLinkUsed(AuthError):
    code = "login_link_used"
    status = 401
    user_message = "This login link has already been used. Ask for a new one."


class SecondFactorStepExpired(AuthError):
    code = "second_factor_step_expired"
    status = 401
    user_message = (
        "Your sign-in waited too long for its second factor, or was finished already. "
        "Ask for a new login link."
    )


class EmailLoginDisabled(AuthError):
    code = "email_login_disabled"
    status = 403
    user_message = "Email login is switched off on this instance."


class RateLimited(AuthError):
    code = "rate_limited"
    status = 429
    user_message = "Too many sign-in attempts failed. Please wait a few minutes and try again."


class LastOwner(ParleyError):
    code = "last_owner"
    status = 409
    user_message = "This is the last active owner; make someone else an owner first."


class RoleForbidden(ParleyError):
    """The signed-in person's (or API key's) role does not allow this (issue 14)."""

    code = "role_forbidden"
    status = 403
    user_message = "Your role does not allow this."


class ServiceUnavailable(ParleyError):
    """A backing service (database, Redis) is unreachable for now; retrying later works."""

    code = "service_unavailable"
    status = 503
    user_message = (
        "Parley cannot reach one of its services right now. Nothing was changed; please try "
        "again in a moment."
    )
