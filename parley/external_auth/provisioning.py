"""Claims → a user (DESIGN §4.3): look up, or upsert and create with a seat."""

from dataclasses import dataclass

from django.db import connection

from parley.accounts import services as accounts
from parley.accounts.linking import link_refusal
from parley.accounts.models import CreatedVia, Status, User
from parley.errors import EmailTaken, SeatLimitReached, UserDeactivated

from .claims import LookupByEmail, LookupById, Upsert
from .errors import AdminJwtNotAllowed, IdentityConflict, UserNotFound
from .models import JwtLink

LOGIN, CREATE, LINK = "login", "create", "link"


@dataclass(frozen=True)
class Rules:
    """The admin's switches that decide who a code may become."""

    link_by_email: bool = False
    admins_may_use_jwt: bool = False


@dataclass(frozen=True)
class Resolution:
    """Who a code would log in, decided from reads alone: an existing `user` (LOGIN, or
    LINK to a user found by email), or a new user (CREATE, `user` None)."""

    action: str
    user: User | None = None


@dataclass(frozen=True)
class Provisioned:
    user: User
    created: bool = False
    linked: bool = False
    note: str = ""


def resolve(*, identity, rules: Rules) -> Resolution:
    """Who the code names, without writing anything: the login, the interstitial and the
    token tester all decide with this, so they cannot disagree.

    Raises UserNotFound, UserDeactivated, AdminJwtNotAllowed, IdentityConflict,
    SeatLimitReached.
    """
    found = _find(identity, rules)
    if found.action == CREATE:
        usage = accounts.seat_usage()
        if usage.free == 0:
            raise SeatLimitReached(
                f"no seat free for user.id {identity.user_id!r} "
                f"({usage.used} of {usage.limit} in use)"
            )
    return found


def _find(identity, rules: Rules) -> Resolution:
    """`resolve` but for seats, which only create_user's locked count can settle."""
    if isinstance(identity, LookupById):
        user = _by_public_id(identity.public_id)
        if user is None:
            raise UserNotFound(f"no user with id {identity.public_id!r}")
        return Resolution(LOGIN, _allowed(user, rules))
    if isinstance(identity, LookupByEmail):
        user = accounts.find_user_by_email(identity.email)
        if user is None:
            raise UserNotFound(f"no user with email {identity.email!r}")
        return Resolution(LOGIN, _allowed(user, rules))
    if not isinstance(identity, Upsert):
        raise TypeError(f"unknown identity request {identity!r}")
    user = _by_public_id(identity.user_id)
    if user is not None:
        return Resolution(LOGIN, _allowed(user, rules))
    holder = accounts.find_user_by_email(identity.email) if identity.email else None
    if holder is not None:
        return Resolution(LINK, _linkable(holder, identity, rules))
    return Resolution(CREATE)


def provision_user(*, identity, rules: Rules) -> Provisioned:
    """Return the user the token names, creating it for an unknown `user.id`.

    Raises what `resolve` raises; on any error nothing is created or changed.
    """
    # The common case, a returning user, takes no seat lock and writes only what changed.
    found = _find(identity, rules)
    if found.action == LOGIN:
        return _refresh(found.user, identity)
    with accounts.seat_transaction():
        # Again under the lock: a concurrent first login may have created or linked the
        # user a moment ago, or taken the last seat.
        found = _find(identity, rules)
        if found.action == LOGIN:
            return _refresh(found.user, identity)
        if found.action == LINK:
            return _link(found.user, identity)
        user = accounts.create_user(
            email=identity.email,
            public_id=identity.user_id,
            created_via=CreatedVia.JWT,
            metadata=identity.metadata,
        )
        if identity.name:
            accounts.set_name(user=user, name=identity.name)
    return Provisioned(user=user, created=True)


def _by_public_id(public_id: str) -> User | None:
    """The user with this public id, or None; an email signup awaiting its code is none
    (accounts.services.create_user replaces it). One row by a unique column: a raw query
    (through User.objects.raw, so the row becomes a User exactly as the ORM makes it),
    because building the ORM query cost more than running it: the ORM's get() makes a whole
    JWT login 1.13x the CPU (bench/shortcuts.py, median of 5 runs). Guarded by
    tests/test_user_lookup_shortcut.py."""
    table, column, status = (
        connection.ops.quote_name(n) for n in (User._meta.db_table, "public_id", "status")
    )
    sql = f"SELECT * FROM {table} WHERE {column} = %s AND {status} <> %s"  # noqa: S608 - names
    found = list(User.objects.raw(sql, [public_id, Status.UNCONFIRMED]))
    return found[0] if found else None


def _allowed(user: User, rules: Rules) -> User:
    # Before anything is refreshed: a refused admin is left exactly as they were.
    # Every staff role (owner, admin, user manager, auditor) counts as an admin here.
    if user.is_staff and not rules.admins_may_use_jwt:
        raise AdminJwtNotAllowed(
            f"user {user.public_id!r} is {user.role} and admins may not log in with a JWT"
        )
    if user.status != Status.ACTIVE:
        raise UserDeactivated(f"user {user.public_id} is deactivated")
    return user


def _linkable(holder: User, identity: Upsert, rules: Rules) -> User:
    """The user found by email, if this `user.id` may take it over; else IdentityConflict
    (accounts.linking's rule, shared with SSO: never an admin)."""
    jwt_linked = (
        holder.created_via == CreatedVia.JWT or JwtLink.objects.filter(user=holder).exists()
    )
    why = link_refusal(
        holder=holder,
        allowed=rules.link_by_email,
        taken_by=f"JWT user {holder.public_id!r}" if jwt_linked else "",
    )
    if why:
        raise IdentityConflict(f"email {identity.email!r} of user.id {identity.user_id!r} {why}")
    if holder.status != Status.ACTIVE:
        raise UserDeactivated(f"user {holder.public_id} is deactivated")
    return holder


def _link(holder: User, identity: Upsert) -> Provisioned:
    # The one place an existing user's id is rewritten: the admin opted into linking and
    # _linkable found a plain email user with no JWT identity yet.
    previous_id = holder.public_id
    holder.public_id = identity.user_id
    holder.metadata = identity.metadata
    if identity.name is not None:
        holder.name = identity.name
    holder.save(update_fields=["public_id", "metadata", "name"])
    JwtLink.objects.create(user=holder)
    return Provisioned(user=holder, linked=True, note=f"linked by email; id was {previous_id!r}")


def _refresh(user: User, identity) -> Provisioned:
    if not isinstance(identity, Upsert):
        return Provisioned(user=user)
    note = ""
    if identity.metadata != user.metadata:
        user.metadata = identity.metadata
        user.save(update_fields=["metadata"])
    if identity.name is not None and identity.name != user.name:
        accounts.set_name(user=user, name=identity.name)
    # claims.parse_identity cleaned the email with accounts' clean_email already.
    if identity.email and identity.email != user.email:
        try:
            accounts.update_email(user=user, email=identity.email)
        except EmailTaken:
            note = f"email {identity.email!r} kept unchanged: it belongs to another user"
    return Provisioned(user=user, note=note)
