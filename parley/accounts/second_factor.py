"""Second factors (django-allauth's mfa app): who has one, who must enrol by when, the
owner's requirement for staff, and an owner resetting someone's factors (DESIGN §3)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from parley.audit import services as audit
from parley.errors import ValidationFailed

from .models import InstanceSettings, User
from .roles import is_staff
from .services import get_instance_settings

MAX_GRACE_DAYS = 365
# Recovery codes only back up a factor: alone they are no second factor (allauth deletes
# them with the last one).
FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@dataclass(frozen=True)
class EnrolmentDue:
    """A staff member without a second factor on an instance that requires one."""

    deadline: datetime

    @property
    def overdue(self) -> bool:
        return timezone.now() >= self.deadline


@dataclass(frozen=True)
class Policy:
    required: bool
    grace_days: int


def has_second_factor(*, user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=FACTOR_TYPES).exists()


def factor_types(*, user: User) -> list[str]:
    """The kinds of factor `user` has enrolled (totp, webauthn, recovery_codes), sorted."""
    found = Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True)
    return sorted(set(found))


def enrolment_due(*, user: User) -> EnrolmentDue | None:
    """When `user` must have enrolled a second factor, or None when nothing is asked of
    them: not staff, the requirement is off, or they have one."""
    if not user.is_authenticated or not is_staff(user.role):
        return None
    instance = get_instance_settings()
    if not instance.mfa_required_for_staff or has_second_factor(user=user):
        return None
    starts = [user.staff_since or user.created_at, instance.mfa_required_since]
    start = max(moment for moment in starts if moment is not None)
    return EnrolmentDue(deadline=start + timedelta(days=instance.mfa_grace_days))


def get_policy() -> Policy:
    instance = get_instance_settings()
    return Policy(required=instance.mfa_required_for_staff, grace_days=instance.mfa_grace_days)


def set_policy(*, required: bool, grace_days: int, by: str) -> Policy:
    """Require a second factor of staff or not, and set the grace period in days, audited
    as made `by` someone (parley.audit.actors). Switching the requirement on starts a fresh
    grace period for everyone already staff."""
    if isinstance(grace_days, bool) or not isinstance(grace_days, int):
        raise ValidationFailed(
            f"grace days not a whole number: {grace_days!r}",
            user_message="The grace period must be a whole number of days.",
        )
    if not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise ValidationFailed(
            f"grace days out of range: {grace_days}",
            user_message=f"The grace period must be between 0 and {MAX_GRACE_DAYS} days.",
        )
    with transaction.atomic():
        get_instance_settings()
        row = InstanceSettings.objects.select_for_update().get(pk=1)
        if required and not row.mfa_required_for_staff:
            row.mfa_required_since = timezone.now()
        row.mfa_required_for_staff = bool(required)
        row.mfa_grace_days = grace_days
        row.save(
            update_fields=[
                "mfa_required_for_staff",
                "mfa_grace_days",
                "mfa_required_since",
                "updated_at",
            ]
        )
        audit.record_change(
            by=by,
            reason="second_factor_policy_changed",
            detail=f"required of staff: {'on' if required else 'off'}; grace {grace_days} days",
        )
    return Policy(required=row.mfa_required_for_staff, grace_days=row.mfa_grace_days)


def reset_factors(*, user: User, by: str, request=None) -> int:
    """Remove every second factor of `user` (TOTP, passkeys, recovery codes), so they log
    in by email alone until they enrol again; audited as made `by` someone. Returns how many
    were removed. Who may do this is the caller's check (roles.MANAGE_SECOND_FACTORS)."""
    with transaction.atomic():
        kinds = factor_types(user=user)
        removed, _ = Authenticator.objects.filter(user_id=user.pk).delete()
        audit.record_change(
            by=by,
            reason="second_factors_reset",
            request=request,
            public_user_id=user.public_id,
            detail=f"{removed} removed ({', '.join(kinds) or 'none'})",
        )
    return removed
