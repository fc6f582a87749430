"""Audit events for second factors that allauth's mfa app adds, removes, regenerates or
rejects (an owner's reset is audited by second_factor.reset_factors)."""

from allauth.mfa import signals as mfa_signals
from django.dispatch import receiver

from parley.audit import services as audit
from parley.audit.models import Method, Outcome


def _record(request, user, reason: str, *, outcome: str = Outcome.SUCCESS, detail: str = ""):
    audit.record_event(
        method=Method.MFA,
        outcome=outcome,
        reason=reason,
        request=request,
        public_user_id=getattr(user, "public_id", ""),
        detail=detail,
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="parley_mfa_added")
def factor_added(sender, request, user, authenticator, **kwargs):
    _record(
        request, user, f"{authenticator.type}_added", detail=f"authenticator {authenticator.pk}"
    )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="parley_mfa_removed")
def factor_removed(sender, request, user, authenticator, **kwargs):
    _record(
        request, user, f"{authenticator.type}_removed", detail=f"authenticator {authenticator.pk}"
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="parley_mfa_reset")
def factor_regenerated(sender, request, user, authenticator, **kwargs):
    _record(request, user, f"{authenticator.type}_regenerated")


@receiver(mfa_signals.authentication_failed, dispatch_uid="parley_mfa_failed")
def factor_rejected(sender, request, user, authenticator, reauthentication=False, **kwargs):
    what = "re-authentication" if reauthentication else "sign-in"
    _record(
        request,
        user,
        "incorrect_second_factor",
        outcome=Outcome.FAILURE,
        detail=f"{authenticator.type} rejected at {what}",
    )
