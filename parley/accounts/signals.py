"""Audit and last-login bookkeeping for logins that django-allauth performs (email codes).

One audit event per attempt: a code typed (right or wrong) or a signup verification code.
Refusals that happen before a code exists (email login off, deactivated user, no seat,
rate limit) are audited by the adapter."""

from allauth.account.models import EmailAddress
from allauth.account.signals import (
    authentication_step_completed,
    email_verification_code_rejected,
    login_code_rejected,
)
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from parley.audit import services as audit
from parley.audit.models import Method, Outcome

from .models import LoginMethod, normalize_email
from .services import record_login


@receiver(user_logged_in, dispatch_uid="parley_email_login")
def email_login_succeeded(sender, request, user, **kwargs):
    # Only logins allauth completes (ParleyAccountAdapter.login marks them). Logins through
    # parley.accounts.sessions.log_user_in (JWT, links) audit themselves, and test clients'
    # force_login is no login attempt.
    if request is None or getattr(request, "_parley_login_method", None):
        return
    if not getattr(request, "_parley_email_login", False):
        return
    record_login(user=user, method=LoginMethod.EMAIL)
    audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.SUCCESS,
        reason="ok",
        request=request,
        public_user_id=user.public_id,
    )


@receiver(login_code_rejected, dispatch_uid="parley_email_code_rejected")
def email_code_rejected(sender, request, user, last_attempt=False, **kwargs):
    _code_rejected(request, user, last_attempt, what="login code")


@receiver(email_verification_code_rejected, dispatch_uid="parley_email_verification_rejected")
def email_verification_code_was_rejected(sender, request, user, last_attempt=False, **kwargs):
    _code_rejected(request, user, last_attempt, what="signup verification code")


def _code_rejected(request, user, last_attempt: bool, *, what: str) -> None:
    audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.FAILURE,
        reason="too_many_attempts" if last_attempt else "incorrect_code",
        request=request,
        public_user_id=getattr(user, "public_id", ""),
        detail=f"{what} rejected; code abandoned" if last_attempt else f"{what} rejected",
    )


@receiver(authentication_step_completed, dispatch_uid="parley_login_code_proves_email")
def login_code_proves_email(sender, request, user, method, email=None, **kwargs):
    """A correct login code proves the person reads the mailbox, so the address counts as
    verified. Users made by an admin, the CLI or JWT have no allauth EmailAddress row;
    without this, mandatory verification would ask them for a second code."""
    if method != "code" or not email or normalize_email(email) != user.email_normalized:
        return
    address, _ = EmailAddress.objects.get_or_create(
        user=user,
        email=normalize_email(email),
        defaults={
            "verified": True,
            "primary": not EmailAddress.objects.filter(user=user, primary=True).exists(),
        },
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
