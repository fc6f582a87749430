"""Users and seats: the one place every path (email signup, admin, CLI, JWT, API) creates,
reactivates, changes or deletes users, so the seat rule of DESIGN §2 always holds.

An email signup awaiting its code (Status.UNCONFIRMED, see signups.py) is no user here: the
look-ups skip it, and creating a user or changing an email replaces it."""

import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parley.audit import actors
from parley.audit import services as audit
from parley.errors import (
    EmailTaken,
    LastOwner,
    NotFound,
    SeatLimitReached,
    UserIdTaken,
    ValidationFailed,
)

from .models import CreatedVia, InstanceSettings, Role, Status, User, normalize_email
from .roles import is_staff
from .selectors import confirmed_users
from .user_cache import forget_user
from .validation import clean_email, clean_metadata, clean_name, clean_public_id


@dataclass(frozen=True)
class SeatUsage:
    used: int
    limit: int | None

    @property
    def free(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def percent(self) -> int:
        if not self.limit:
            return 0 if self.limit is None else 100
        return min(100, round(100 * self.used / self.limit))

    def __str__(self) -> str:
        return f"{self.used}/{'unlimited' if self.limit is None else self.limit}"


def get_instance_settings() -> InstanceSettings:
    settings_row, _ = InstanceSettings.objects.get_or_create(pk=1)
    return settings_row


@contextmanager
def seat_transaction():
    """A transaction in which seat counts cannot change under us.

    PostgreSQL: the instance settings row is locked FOR UPDATE, so concurrent seat changes
    queue on it. SQLite: Parley opens every transaction with BEGIN IMMEDIATE (settings.py),
    which already serialises writers; select_for_update is a no-op there.
    """
    with transaction.atomic():
        InstanceSettings.objects.get_or_create(pk=1)
        yield InstanceSettings.objects.select_for_update().get(pk=1)


def seats_used() -> int:
    return User.objects.filter(status=Status.ACTIVE).count()


def seat_usage() -> SeatUsage:
    return SeatUsage(used=seats_used(), limit=get_instance_settings().seat_limit)


def no_free_seat_message() -> str:
    """What an admin (panel or API key) is told when a change needs a seat and none is free;
    SeatLimitReached's own message, for the person signing in, asks for an administrator."""
    usage = seat_usage()
    return (
        f"No seat is free ({usage.used} of {usage.limit} in use), so nothing was changed. "
        "Raise the seat limit or deactivate someone first."
    )


def require_free_seat(locked: InstanceSettings) -> None:
    """Inside seat_transaction(): raise SeatLimitReached unless a seat is free."""
    if locked.seat_limit is None:
        return
    used = seats_used()
    if used >= locked.seat_limit:
        raise SeatLimitReached(f"seat limit {locked.seat_limit} reached ({used} seats in use)")


def set_seat_limit(*, limit: int | None) -> SeatUsage:
    """Set the seat limit (None = unlimited). A limit below the seats in use is refused."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValidationFailed(
            f"invalid seat limit {limit!r}",
            user_message="The seat limit must be a whole number of 0 or more, or unlimited.",
        )
    with seat_transaction() as locked:
        used = seats_used()
        if limit is not None and limit < used:
            raise ValidationFailed(
                f"seat limit {limit} below seats in use {used}",
                user_message=(
                    f"{used} seats are in use, so the limit cannot be {limit}. "
                    "Deactivate users first or choose a higher limit."
                ),
            )
        locked.seat_limit = limit
        locked.save(update_fields=["seat_limit", "updated_at"])
    return SeatUsage(used=used, limit=limit)


def new_public_id() -> str:
    # Short numeric ids, as admins and integrators expect ("id": 1234 in a token). Random
    # rather than sequential so they never collide with ids a JWT integrator chose.
    for digits in (7, 8, 9, 10, 12):
        candidate = str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
        if not User.objects.filter(public_id=candidate).exists():
            return candidate
    raise RuntimeError("could not find a free public id")


def replace_unconfirmed(*, email: str | None = None, public_id: str | None = None) -> None:
    """Remove email signups awaiting their code that hold this email or public id: they never
    proved the mailbox, so they never block a real user."""
    holders = Q(email_normalized=normalize_email(email)) if email else Q()
    if public_id is not None:
        holders |= Q(public_id=public_id)
    if holders:
        User.objects.filter(holders, status=Status.UNCONFIRMED).delete()


def email_in_use(email: str, *, exclude: User | None = None) -> bool:
    qs = confirmed_users().filter(email_normalized=normalize_email(email))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def create_user(
    *,
    email: str | None,
    created_via: str,
    public_id: str | None = None,
    role: str = Role.MEMBER,
    metadata: dict | None = None,
    active: bool = True,
) -> User:
    """Create an active user, taking a seat (or, with `active` False, a deactivated one that
    holds none, as SCIM may provision). Raises SeatLimitReached, EmailTaken, UserIdTaken,
    ValidationFailed; on any error nothing is created."""
    email = clean_email(email)
    if public_id is not None:
        public_id = clean_public_id(public_id)
    metadata = clean_metadata(metadata or {})
    if created_via not in CreatedVia.values:
        raise ValidationFailed(f"unknown created_via {created_via!r}")
    if role not in Role.values:
        raise ValidationFailed(f"unknown role {role!r}", user_message="Unknown role.")
    with seat_transaction() as locked:
        replace_unconfirmed(email=email, public_id=public_id)
        if email and email_in_use(email):
            raise EmailTaken(f"email {normalize_email(email)} already in use")
        if public_id is not None and User.objects.filter(public_id=public_id).exists():
            raise UserIdTaken(f"public id {public_id!r} already in use")
        if active:
            require_free_seat(locked)
        user = User(
            status=Status.ACTIVE if active else Status.DEACTIVATED,
            public_id=public_id or new_public_id(),
            email=email,
            created_via=created_via,
            role=role,
            metadata=metadata,
            staff_since=timezone.now() if is_staff(role) else None,
        )
        insert_user(user)
    return user


def insert_user(user: User) -> None:
    """Save a new user (no password: Parley logs in by code, link or JWT). A row inserted
    concurrently with the same email or id is EmailTaken, not an IntegrityError."""
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise EmailTaken(f"email or id taken concurrently: {exc}") from None


def get_user(*, public_id: str) -> User:
    user = find_user_by_public_id(public_id)
    if user is None:
        raise NotFound(f"no user with id {public_id!r}")
    return user


def find_user_by_public_id(public_id: str) -> User | None:
    return confirmed_users().filter(public_id=public_id).first()


def find_user_by_email(email: str) -> User | None:
    normalized = normalize_email(email)
    if not normalized:
        return None
    return confirmed_users().filter(email_normalized=normalized).first()


def deactivate_user(*, user: User) -> User:
    with transaction.atomic():
        _lock_owners()
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.status == Status.DEACTIVATED:
            return user
        _require_another_owner(user)
        user.status = Status.DEACTIVATED
        user.save(update_fields=["status"])
    return user


def reactivate_user(*, user: User) -> User:
    """Reactivate a deactivated user; takes a seat, so SeatLimitReached may be raised."""
    with seat_transaction() as locked:
        user = User.objects.get(pk=user.pk)
        if user.status == Status.ACTIVE:
            return user
        require_free_seat(locked)
        user.status = Status.ACTIVE
        user.save(update_fields=["status"])
    return user


def delete_user(*, user: User) -> None:
    with transaction.atomic():
        _lock_owners()
        user = User.objects.select_for_update().filter(pk=user.pk).first()
        if user is None:
            return
        _require_another_owner(user)
        User.objects.filter(pk=user.pk).delete()


def set_role(*, user: User, role: str, by: str) -> User:
    """Give `user` this role, audited as made `by` someone (parley.audit.actors). Who may give
    which role is parley.accounts.roles' rule, asked by the callers (panel, API) that act for
    someone; the last owner stays an owner here."""
    if role not in Role.values:
        raise ValidationFailed(f"unknown role {role!r}", user_message="Unknown role.")
    with transaction.atomic():
        _lock_owners()
        user = User.objects.select_for_update().get(pk=user.pk)
        if role != Role.OWNER:
            _require_another_owner(user)
        previous = user.role
        if not is_staff(role):
            user.staff_since = None
        elif not is_staff(previous) or user.staff_since is None:
            # The second factor's grace period counts from becoming staff, not from each
            # change between staff roles.
            user.staff_since = timezone.now()
        user.role = role
        user.save(update_fields=["role", "staff_since"])
        if previous != role:
            audit.record_change(
                by=by,
                reason="role_changed",
                public_user_id=user.public_id,
                detail=f"{previous} → {role}",
            )
    return user


def _lock_owners() -> None:
    """Lock every active owner's row, in one order, before the "another owner" check: two
    owners demoting, deactivating or deleting each other at once must not both still see the
    other (a lock on one's own row would not do)."""
    list(
        User.objects.select_for_update()
        .filter(role=Role.OWNER, status=Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _require_another_owner(user: User) -> None:
    """Inside a transaction after _lock_owners(): raise LastOwner if `user` is the last
    active owner."""
    if user.role != Role.OWNER or user.status != Status.ACTIVE:
        return
    others = User.objects.filter(role=Role.OWNER, status=Status.ACTIVE).exclude(pk=user.pk)
    if not others.exists():
        raise LastOwner(f"user {user.public_id} is the last active owner")


def create_or_promote_admin(*, email: str, created_via: str = CreatedVia.CLI) -> User:
    """The operator's way in (`parley createadmin`): the first admin of an instance with no
    active owner becomes its owner; later ones are admins (an owner stays an owner)."""
    email = clean_email(email, required=True)
    role = Role.ADMIN if has_owner() else Role.OWNER
    user = find_user_by_email(email)
    if user is None:
        return create_user(email=email, created_via=created_via, role=role)
    if user.status != Status.ACTIVE:
        user = reactivate_user(user=user)
    if user.role == Role.OWNER:
        return user
    return set_role(user=user, role=role, by=actors.COMMAND_LINE)


def has_owner() -> bool:
    return User.objects.filter(role=Role.OWNER, status=Status.ACTIVE).exists()


def record_login(*, user: User, method: str) -> None:
    """Stamp the last login time and method (one UPDATE, no read)."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        last_login_at=now, last_login=now, last_login_method=method
    )
    forget_user(user.pk)  # update() sends no post_save (user_cache.py)
    user.last_login_at = user.last_login = now
    user.last_login_method = method


def update_email(*, user: User, email: str | None) -> User:
    email = clean_email(email)
    with transaction.atomic():
        if email and email_in_use(email, exclude=user):
            raise EmailTaken(f"email {normalize_email(email)} already in use")
        replace_unconfirmed(email=email)
        user.email = email
        user.save(update_fields=["email", "email_normalized"])
        # allauth looks up its own EmailAddress rows first: drop the old address so it
        # can no longer be used to log in.
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email or "").delete()
    return user


def set_name(*, user: User, name: str | None) -> User:
    """Set the display name (ValidationFailed when clean_name refuses it; "" clears it)."""
    user.name = clean_name(name)
    user.save(update_fields=["name"])
    return user


def set_metadata(*, user: User, metadata: dict) -> User:
    """Replace the user's metadata (ValidationFailed when clean_metadata refuses it)."""
    user.metadata = clean_metadata(metadata)
    user.save(update_fields=["metadata"])
    return user


def update_email_login_settings(
    *, enabled: bool, signup_allowed: bool, signup_needs_approval: bool
) -> InstanceSettings:
    """Switch email login, signup by email and the admin's approval of signups (DESIGN §3).
    Turning approval off lets no one in by itself: who is waiting still needs approving."""
    with transaction.atomic():
        get_instance_settings()
        row = InstanceSettings.objects.select_for_update().get(pk=1)
        row.email_login_enabled = bool(enabled)
        row.email_signup_allowed = bool(signup_allowed)
        row.signup_needs_approval = bool(signup_needs_approval)
        row.save(
            update_fields=[
                "email_login_enabled",
                "email_signup_allowed",
                "signup_needs_approval",
                "updated_at",
            ]
        )
    return row
