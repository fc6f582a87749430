"""Freeing seats: the members who have not logged in for N days, and deactivating them after
an admin confirmed the list. Staff are never on it: an admin's way in is not a seat to free."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from parley.audit import actors
from parley.audit import services as audit
from parley.errors import ValidationFailed

from . import services
from .models import Role, Status, User

MAX_DAYS = 3650


@dataclass(frozen=True)
class Inactive:
    days: int
    users: list[User]


def clean_days(value) -> int:
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"inactive days {value!r}",
            user_message=f"Enter a number of days from 1 to {MAX_DAYS}.",
        )
    return days


def seat_holders() -> QuerySet[User]:
    """Everyone taking a seat (active users), those away longest first, never-seen first."""
    return User.objects.filter(status=Status.ACTIVE).order_by("last_login_at", "created_at", "pk")


def inactive_members(*, days: int) -> Inactive:
    """Active members with no login for `days` days (or none since created that long ago)."""
    days = clean_days(days)
    cutoff = timezone.now() - timedelta(days=days)
    users = (
        seat_holders()
        .filter(role=Role.MEMBER)
        .filter(Q(last_login_at__lt=cutoff) | Q(last_login_at__isnull=True, created_at__lt=cutoff))
    )
    return Inactive(days=days, users=list(users))


def deactivate_inactive(
    *, days: int, public_ids: list[str], actor: User, request=None
) -> list[User]:
    """Deactivate the confirmed `public_ids` that are still inactive members (someone who
    logged in since the list was shown stays); one audit event each. Returns who was."""
    still = {user.public_id: user for user in inactive_members(days=days).users}
    done = []
    for public_id in dict.fromkeys(public_ids):
        user = still.get(public_id)
        if user is None:
            continue
        services.deactivate_user(user=user)
        audit.record_change(
            by=actors.user(actor),
            reason="deactivated_inactive",
            request=request,
            public_user_id=user.public_id,
            detail=f"no login for {days} days",
        )
        done.append(user)
    return done
