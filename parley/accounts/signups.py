"""Email signups awaiting their code, then (when the instance asks for it) an admin's approval:
no seat until both are done, then one, or none."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.errors import EmailTaken, NotFound, SeatLimitReached, SignupExpired

from . import services
from .models import CreatedVia, Status, User, normalize_email
from .validation import clean_email


def _expired_before():
    return timezone.now() - timedelta(seconds=settings.UNCONFIRMED_SIGNUP_LIFETIME)


def remove_expired_signups() -> int:
    """Delete the signups whose code can no longer be confirmed; returns how many. Run on
    every signup and confirmation, so no scheduled job is needed."""
    expired = User.objects.filter(status=Status.UNCONFIRMED, created_at__lt=_expired_before())
    deleted, _ = expired.delete()
    return deleted


def count_pending_signups() -> int:
    return User.objects.filter(status=Status.UNCONFIRMED, created_at__gte=_expired_before()).count()


def create_signup(*, email: str) -> User:
    """Record a signup by email that waits for its code. It takes no seat, so it needs
    none free; a pending signup for the same address is replaced (whoever asks again holds
    the mailbox as much as the first did). Raises ValidationFailed or EmailTaken (a real
    user has the address)."""
    email = clean_email(email, required=True)
    remove_expired_signups()
    with transaction.atomic():
        services.replace_unconfirmed(email=email)
        if services.email_in_use(email):
            raise EmailTaken(f"email {normalize_email(email)} already in use")
        user = User(
            public_id=services.new_public_id(),
            email=email,
            status=Status.UNCONFIRMED,
            created_via=CreatedVia.EMAIL,
        )
        services.insert_user(user)
    return user


def confirm_signup(*, user: User) -> User:
    """The signup's code was confirmed: it becomes an active user and takes a seat, or, when
    signups need approval, a pending user holding no seat (approve_signup gives it one).
    Raises SignupExpired (removed, or too old) or SeatLimitReached; either way the signup is
    gone, and the person may sign up again later."""
    remove_expired_signups()
    try:
        with services.seat_transaction() as locked:
            pending = User.objects.filter(pk=user.pk, status=Status.UNCONFIRMED).first()
            if pending is None:
                raise SignupExpired(
                    f"signup of {user.email} confirmed after it expired or was replaced"
                )
            if locked.signup_needs_approval:
                pending.status = Status.PENDING
            else:
                services.require_free_seat(locked)
                pending.status = Status.ACTIVE
            pending.save(update_fields=["status"])
    except SeatLimitReached as error:
        discard_signup(user=user)
        raise SeatLimitReached(f"signup confirmed but no seat is free: {error.reason}") from None
    return pending


def discard_signup(*, user: User) -> None:
    """Remove a signup that will not be confirmed; a user it already became stays."""
    User.objects.filter(pk=user.pk, status=Status.UNCONFIRMED).delete()


def count_awaiting_approval() -> int:
    return User.objects.filter(status=Status.PENDING).count()


def approve_signup(*, user: User) -> User:
    """An admin lets a pending person in: they become active and take a seat (SeatLimitReached
    when none is free, and they keep waiting). NotFound unless they are pending."""
    with services.seat_transaction() as locked:
        pending = _pending(user)
        services.require_free_seat(locked)
        pending.status = Status.ACTIVE
        pending.save(update_fields=["status"])
    return pending


def reject_signup(*, user: User) -> None:
    """An admin turns a pending person away: the account is deleted, so the address may sign
    up again. NotFound unless they are pending."""
    with transaction.atomic():
        _pending(user).delete()


def _pending(user: User) -> User:
    pending = User.objects.select_for_update().filter(pk=user.pk, status=Status.PENDING).first()
    if pending is None:
        raise NotFound(
            f"user {user.public_id} is not waiting for approval",
            user_message=f"{user} is not waiting for approval (any more).",
        )
    return pending
