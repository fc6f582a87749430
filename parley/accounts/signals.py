"""Audit and last-login bookkeeping for logins that django-allauth performs (email codes)."""

from allauth.account.signals import login_code_rejected
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from parley.audit import services as audit
from parley.audit.models import Method, Outcome

from .models import LoginMethod
from .services import record_login


@receiver(user_logged_in, dispatch_uid="parley_email_login")
def email_login_succeeded(sender, request, user, **kwargs):
    if request is None or getattr(request, "_parley_login_method", None):
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
    audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.FAILURE,
        reason="too_many_attempts" if last_attempt else "incorrect_code",
        request=request,
        public_user_id=getattr(user, "public_id", ""),
        detail="login code rejected; code abandoned" if last_attempt else "login code rejected",
    )
