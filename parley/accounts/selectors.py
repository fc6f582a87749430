"""Reading users: who counts as a user, and an admin's search."""

from django.db.models import Q, QuerySet

from .models import Status, User, normalize_email


def confirmed_users() -> QuerySet[User]:
    """Every user but email signups still awaiting their code."""
    return User.objects.exclude(status=Status.UNCONFIRMED)


def matching_query(query: str, *, prefix: str = "") -> Q:
    """How an admin names people in a search box: a public id (exact) or part of an email.
    `prefix` reaches the user through a relation (e.g. "user__" from a membership)."""
    return Q(**{f"{prefix}public_id": query}) | Q(
        **{f"{prefix}email_normalized__contains": normalize_email(query)}
    )


def search_users(
    *,
    query: str = "",
    status: str = "",
    created_via: str = "",
    last_login_method: str = "",
    include_unconfirmed: bool = False,
) -> QuerySet[User]:
    """Users matching an admin's search: `query` is a public id (exact) or part of an email.
    Email signups awaiting their code only with `include_unconfirmed` (the CLI's full list)."""
    users = User.objects.all() if include_unconfirmed else confirmed_users()
    query = query.strip()
    if query:
        users = users.filter(matching_query(query))
    if status:
        users = users.filter(status=status)
    if created_via:
        users = users.filter(created_via=created_via)
    if last_login_method:
        users = users.filter(last_login_method=last_login_method)
    return users


def list_users() -> QuerySet[User]:
    """Every user, oldest first, email signups still awaiting their code included: the
    operator's full view (`parley users list`)."""
    return search_users(include_unconfirmed=True).order_by("created_at", "id")


def users_by_public_id(public_ids) -> dict[str, User]:
    """The users among `public_ids` (one query), by public id: an id an audit event names
    may never have become a user."""
    wanted = {public_id for public_id in public_ids if public_id}
    if not wanted:
        return {}
    return {user.public_id: user for user in User.objects.filter(public_id__in=wanted)}
