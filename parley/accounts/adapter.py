"""django-allauth hooks: email login and signup obey the admin settings, the seat rule and
the audit log (DESIGN §3, §4.5), and never tell a visitor whether an account exists."""

import re
from urllib.parse import urlsplit

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import (
    BaseConfirmCodeForm,
    ConfirmEmailVerificationCodeForm,
    LoginForm,
    SignupForm,
)
from allauth.account.internal.flows.email_verification_by_code import EmailVerificationProcess
from allauth.account.stages import LoginStage
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.branding.selectors import current_brand
from parley.errors import (
    AwaitingApproval,
    EmailLoginDisabled,
    ParleyError,
    RateLimited,
    SeatLimitReached,
    SignupExpired,
    UserDeactivated,
)
from parley.sso.errors import EmailLoginSsoOnly
from parley.sso.selectors import sso_only
from parley.web.errors import render_error
from parley.web.proxy import client_address

from . import services, signups
from .models import Role, Status
from .sessions import BACKEND

# allauth internals (no public API does these; pinned below 66 in pyproject.toml), each
# guarded by a test through the real pages that fails if an upgrade changes it:
# EmailVerificationProcess.resume/abort (test_signup_confirmation.py::test_a_jwt_upsert_with_
# the_email_of_a_signup_awaiting_its_code_creates_the_jwt_user), request._login_stage and its
# state["failed_attempts"] (test_email_login.py::test_codes_typed_for_an_unknown_email_are_
# audited_like_any_other).

# Mail templates (under templates/account/email/) sent instead of a login code when the
# address may not log in by email. The web page looks the same either way (no enumeration);
# only the owner of the mailbox learns why no code came.
LOGIN_DISABLED_MAIL = "account/email/email_login_disabled"
DEACTIVATED_MAIL = "account/email/account_deactivated"
AWAITING_APPROVAL_MAIL = "account/email/awaiting_approval"
ABSOLUTE_URL = re.compile(r"^https?://", re.IGNORECASE)


# Audit reasons of email login not (yet) in parley.errors.
class SignupClosed(ParleyError):
    code = "signup_closed"
    status = 403
    user_message = "New accounts cannot be created here. Please ask your administrator."


def email_login_refusal(user) -> ParleyError | None:
    """Why `user` may not log in by email now, or None. Email login switched off leaves it
    to admins; "SSO only" (parley.sso) leaves it to owners, who keep a way in whatever the
    identity providers do."""
    instance = services.get_instance_settings()
    if not instance.email_login_enabled and not user.is_staff:
        return EmailLoginDisabled("email login is switched off")
    if user.role != Role.OWNER and sso_only():
        return EmailLoginSsoOnly("email login is for owners only (SSO only)")
    return None


def signup_switched_off() -> ParleyError | None:
    """Why the admin's settings refuse signup by email now, or None when they allow it."""
    instance = services.get_instance_settings()
    if not instance.email_login_enabled:
        return EmailLoginDisabled("signup refused: email login is switched off")
    if sso_only():
        return EmailLoginSsoOnly("signup refused: SSO only")
    if not instance.email_signup_allowed:
        return SignupClosed("signup refused: email signup is switched off")
    return None


def signup_refusal() -> ParleyError | None:
    """Why a new person cannot sign up by email right now, or None when they can. Seats are
    counted here (unless signups wait for approval, holding none) only to say so up front:
    the seat is taken when the code is confirmed (TakeSeatStage), the check that holds."""
    refusal = signup_switched_off()
    if refusal is not None:
        return refusal
    if services.get_instance_settings().signup_needs_approval:
        # They will wait holding no seat: a full instance is the approver's problem, and
        # approve_signup says so then.
        return None
    usage = services.seat_usage()
    if usage.free is not None and usage.free <= 0:
        return SeatLimitReached(f"signup refused: no free seat ({usage})")
    return None


class ParleyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        refusal = signup_refusal()
        if refusal is not None and request is not None:
            # allauth then renders account/signup_closed.html: it says why, with a reference.
            request.parley_signup_refusal = refusal
            if request.method == "POST":
                # Only allauth's signup views ask on POST: a refused signup is a login attempt.
                request.parley_signup_reference = _record_once(request, refusal, public_user_id="")
        return refusal is None

    def save_user(self, request, user, form, commit=True):
        try:
            return signups.create_signup(email=form.cleaned_data.get("email"))
        except ParleyError as error:
            raise ImmediateHttpResponse(_failed(request, error, public_user_id="")) from None

    def get_login_stages(self):
        return [*super().get_login_stages(), "parley.accounts.adapter.TakeSeatStage"]

    def pre_login(self, request, user, **kwargs):
        if user.status == Status.UNCONFIRMED:
            # Right after signup: no session comes before TakeSeatStage confirms the code.
            return None
        # Runs after the code was checked (login by code), before the session exists: the
        # last moment to refuse, whatever changed since the code was sent.
        refusal = email_login_refusal(user)
        if refusal is not None:
            return _failed(request, refusal, user.public_id)
        if user.status == Status.PENDING:
            return _failed(request, AwaitingApproval("signup awaits approval"), user.public_id)
        if not user.is_active:
            return _failed(request, UserDeactivated("user is deactivated"), user.public_id)
        return super().pre_login(request, user, **kwargs)

    def login(self, request, user):
        # Marks the login as allauth's, so signals.email_login_succeeded audits it once.
        request._parley_email_login = True
        # The session names the backend that reads the user through the cache, as every
        # other Parley login does (sessions.BACKEND); allauth would name its own.
        user.backend = BACKEND
        super().login(request, user)

    def format_email_subject(self, subject: str) -> str:
        return current_brand().subject_prefix + subject

    def get_from_email(self) -> str:
        return current_brand().from_email

    def send_mail(self, template_prefix, email, context):
        context = {
            **context,
            "site_name": current_brand().name,
            "login_code_minutes": app_settings.LOGIN_BY_CODE_TIMEOUT // 60,
            "verification_code_minutes": app_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60,
        }
        if template_prefix == "account/email/login_code" and not context.get("reauthentication"):
            template_prefix, context = self._login_code_mail(email, context)
        elif template_prefix == "account/email/unknown_account":
            template_prefix, context = self._unknown_account_mail(email, context)
        super().send_mail(template_prefix, email, {**context, **_public_links(context)})

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Re-authenticating is a fresh code to a verified address or a second factor. Who
        # signed in by a login link or JWT may have neither yet; they add a first factor
        # with their session alone rather than not at all (allauth would answer 403).
        # Changing or removing a factor always asks again: the factor itself will do.
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        user = getattr(_current_request(), "user", None)
        return user is None or bool(self.get_reauthentication_methods(user))

    def get_client_ip(self, request) -> str:
        # allauth's per-address limits count the same client as the audit log and Parley's
        # own limits; allauth's default would count a reverse proxy as one client for all.
        address = client_address(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _login_code_mail(self, email: str, context: dict) -> tuple[str, dict]:
        user = services.find_user_by_email(email)
        refusal = email_login_refusal(user) if user is not None else None
        if refusal is None:
            return "account/email/login_code", context
        # The code never leaves the server: it could not be used.
        error = type(refusal)(f"login code not sent: {refusal.reason}")
        event = _record(context.get("request"), error, user.public_id)
        return LOGIN_DISABLED_MAIL, {"request": context.get("request"), "reference": event}

    def _unknown_account_mail(self, email: str, context: dict) -> tuple[str, dict]:
        # allauth only looks up active users, so a deactivated or pending one lands here.
        user = services.find_user_by_email(email)
        if user is not None and user.status == Status.PENDING:
            error = AwaitingApproval("login code not sent: signup awaits approval")
            event = _record(context.get("request"), error, user.public_id)
            return AWAITING_APPROVAL_MAIL, {"request": context.get("request"), "reference": event}
        if user is not None and not user.is_active:
            error = UserDeactivated("login code not sent: user is deactivated")
            event = _record(context.get("request"), error, user.public_id)
            return DEACTIVATED_MAIL, {"request": context.get("request"), "reference": event}
        return "account/email/unknown_account", {
            **context,
            "signup_open": signup_refusal() is None,
        }

    def validation_error(self, code, *args):
        request = _current_request()
        if code == "too_many_login_attempts" and request is not None:
            _record_once(request, RateLimited("too many login codes requested"), public_user_id="")
        elif code == "incorrect_code" and request is not None:
            _note_code_for_unknown_account(request)
            return ValidationError(_wrong_code_message(request), code=code)
        return super().validation_error(code, *args)


class EmailLoginForm(LoginForm):
    """/accounts/login/: one field, the email address. With no passwords (no password
    signup field), allauth turns this form into "send me a login code"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signup_open = signup_refusal() is None


class EmailSignupForm(SignupForm):
    """/accounts/signup/. A signup still awaiting its code does not count as an account:
    signing up again with its address replaces it (signups.create_signup) instead of
    sending the "you already have an account" mail."""

    def validate_unique_email(self, value):
        if services.find_user_by_email(value) is None:
            self.account_already_exists = False
            return value
        return super().validate_unique_email(value)


class ConfirmSignupCodeForm(ConfirmEmailVerificationCodeForm):
    """The signup code page. allauth cannot finish a signup that was removed while its code
    was out (a newer signup, a JWT login or an admin took the address): the right code then
    shows why, instead of failing on the missing user."""

    def clean_code(self):
        if self.user is not None:
            return super().clean_code()
        # Only the code check: the parent's "is the address free" check would blame the
        # address on whoever holds it now.
        BaseConfirmCodeForm.clean_code(self)
        request = _current_request()
        process = EmailVerificationProcess.resume(request)
        if process is not None:
            process.abort()  # ends the pending signup in this session
        error = SignupExpired(f"signup code for {self.email} confirmed, but the signup was removed")
        raise ImmediateHttpResponse(_failed(request, error, public_user_id=""))


class TakeSeatStage(LoginStage):
    """The last step of an email signup, after allauth checked its code and before the
    session exists: the signup takes its seat now, or the person sees why not (or that an
    admin has to approve them first)."""

    key = "parley_take_seat"

    def handle(self):
        user = self.login.user
        if user is None or user.status != Status.UNCONFIRMED:
            return None, True
        try:
            refusal = signup_switched_off()
            if refusal is not None:
                signups.discard_signup(user=user)
                raise refusal
            self.login.user = signups.confirm_signup(user=user)
            if self.login.user.status == Status.PENDING:
                raise AwaitingApproval("signup confirmed; awaits an admin's approval")
        except ParleyError as error:
            return _failed(self.request, error, user.public_id), False
        return None, True


def _public_links(context: dict) -> dict:
    """Every link a mail carries points at PARLEY_PUBLIC_URL. allauth builds its links from
    the request's Host (or X-Forwarded-Host), which the sender of the request chooses: a
    forged one would make a genuine Parley mail send people elsewhere."""
    links = {
        name: _public_link(value)
        for name, value in context.items()
        if isinstance(value, str) and ABSOLUTE_URL.match(value)
    }
    return {**links, "login_url": _public_link(reverse("account_login"))}


def _public_link(url: str) -> str:
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{settings.PUBLIC_URL}{parts.path}{query}"


def _wrong_code_message(request) -> str:
    """How many tries a wrong login code leaves, and the way to a new code. Read before
    allauth counts this try (it counts after the form fails), hence the + 1."""
    stage = getattr(request, "_login_stage", None)
    if stage is None or stage.key != "login_by_code":
        return "That code is not right. Check the newest email and try again."
    left = app_settings.LOGIN_BY_CODE_MAX_ATTEMPTS - (stage.state.get("failed_attempts", 0) + 1)
    tries = f"{left} {'try' if left == 1 else 'tries'} left"
    return f"That code is not right ({tries}). Check the newest email, or send a new code below."


def _current_request():
    return allauth_context.request


def _note_code_for_unknown_account(request) -> None:
    """A code typed for an email with no account: allauth sends no login_code_rejected signal
    (it has no user), so the attempt is audited here, exactly as for a known user."""
    stage = getattr(request, "_login_stage", None)
    login = getattr(stage, "login", None)
    if login is None or login.user is not None or stage.key != "login_by_code":
        return
    failed = stage.state.get("failed_attempts", 0) + 1
    last_attempt = failed >= app_settings.LOGIN_BY_CODE_MAX_ATTEMPTS
    audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.FAILURE,
        reason="too_many_attempts" if last_attempt else "incorrect_code",
        request=request,
        detail="login code rejected: no account with this email",
    )


def _record(request, error: ParleyError, public_user_id: str) -> str:
    event = audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.FAILURE,
        reason=error.code,
        detail=error.reason,
        request=request,
        public_user_id=public_user_id,
    )
    return event.reference


def _record_once(request, error: ParleyError, *, public_user_id: str) -> str:
    """The refusal's audit event, written once per request; returns its reference."""
    if not getattr(request, "_parley_email_refusal_reference", ""):
        request._parley_email_refusal_reference = _record(request, error, public_user_id)
    return request._parley_email_refusal_reference


def _failed(request, error: ParleyError, public_user_id: str):
    return render_error(request, error, reference=_record(request, error, public_user_id))
