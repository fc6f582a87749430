"""Claims → a user (DESIGN §4.3): look up, or upsert and create with a seat."""

from dataclasses import dataclass

from django.db import connection

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, Status, User
from parley.errors import EmailTaken, UserDeactivated

from .claims import LookupByEmail, LookupById, Upsert
from .errors import IdentityConflict, UserNotFound
from .models import JwtLink


@dataclass(frozen=True)
class Provisioned:
    user: User
    created: bool = False
    linked: bool = False
    note: str = ""


def provision_user(*, identity, link_by_email: bool) -> Provisioned:
    """Return the user the token names, creating it for an unknown `user.id`.

    Raises UserNotFound, UserDeactivated, IdentityConflict, SeatLimitReached; on any error
    nothing is created or changed.
    """
    if isinstance(identity, LookupById):
        user = _by_public_id(identity.public_id)
        if user is None:
            raise UserNotFound(f"no user with id {identity.public_id!r}")
        return Provisioned(user=_require_active(user))
    if isinstance(identity, LookupByEmail):
        user = accounts.find_user_by_email(identity.email)
        if user is None:
            raise UserNotFound(f"no user with email {identity.email!r}")
        return Provisioned(user=_require_active(user))
    if isinstance(identity, Upsert):
        return _upsert(identity, link_by_email=link_by_email)
    raise TypeError(f"unknown identity request {identity!r}")


def _by_public_id(public_id: str) -> User | None:
    """The user with this public id, or None; an email signup awaiting its code is none
    (accounts.services.create_user replaces it). One row by a unique column: a raw query
    (through User.objects.raw, so the row becomes a User exactly as the ORM makes it),
    because building the ORM query cost more than running it (bench/README.md)."""
    table, column, status = (
        connection.ops.quote_name(n) for n in (User._meta.db_table, "public_id", "status")
    )
    sql = f"SELECT * FROM {table} WHERE {column} = %s AND {status} <> %s"  # noqa: S608 - names
    found = list(User.objects.raw(sql, [public_id, Status.UNCONFIRMED]))
    return found[0] if found else None


def _require_active(user: User) -> User:
    if user.status != Status.ACTIVE:
        raise UserDeactivated(f"user {user.public_id} is deactivated")
    return user


def _upsert(identity: Upsert, *, link_by_email: bool) -> Provisioned:
    # The common case, a returning user, takes no seat lock and writes only what changed.
    user = _by_public_id(identity.user_id)
    if user is not None:
        return _refresh(_require_active(user), identity)
    with accounts.seat_transaction():
        user = _by_public_id(identity.user_id)
        if user is not None:  # created by a concurrent first login a moment ago
            return _refresh(_require_active(user), identity)
        holder = accounts.find_user_by_email(identity.email) if identity.email else None
        if holder is not None:
            return _link(holder, identity, link_by_email=link_by_email)
        user = accounts.create_user(
            email=identity.email,
            public_id=identity.user_id,
            created_via=CreatedVia.JWT,
            metadata=identity.metadata,
        )
    return Provisioned(user=user, created=True)


def _link(holder: User, identity: Upsert, *, link_by_email: bool) -> Provisioned:
    has_jwt_identity = (
        holder.created_via == CreatedVia.JWT or JwtLink.objects.filter(user=holder).exists()
    )
    if has_jwt_identity or not link_by_email:
        why = "belongs to JWT user" if has_jwt_identity else "belongs to a user (linking is off)"
        raise IdentityConflict(
            f"email {identity.email!r} of user.id {identity.user_id!r} {why} {holder.public_id!r}"
        )
    _require_active(holder)
    previous_id = holder.public_id
    holder.public_id = identity.user_id
    holder.metadata = identity.metadata
    holder.save(update_fields=["public_id", "metadata"])
    JwtLink.objects.create(user=holder)
    return Provisioned(user=holder, linked=True, note=f"linked by email; id was {previous_id!r}")


def _refresh(user: User, identity: Upsert) -> Provisioned:
    note = ""
    if identity.metadata != user.metadata:
        user.metadata = identity.metadata
        user.save(update_fields=["metadata"])
    # claims.parse_identity already validated and trimmed the email: only a different
    # one needs clean_email's second validation.
    if (
        identity.email
        and identity.email != user.email
        and accounts.clean_email(identity.email) != user.email
    ):
        try:
            accounts.update_email(user=user, email=identity.email)
        except EmailTaken:
            note = f"email {identity.email!r} kept unchanged: it belongs to another user"
    return Provisioned(user=user, note=note)
