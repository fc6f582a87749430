"""Reading groups: the admin's list and search, a group's members, a user's groups."""

from django.db.models import Count, Prefetch, Q, QuerySet

from parley.accounts.models import User
from parley.accounts.selectors import matching_query

from .models import Group, Membership


def search_groups(*, query: str = "") -> QuerySet[Group]:
    """Groups by name, each with `member_count`; `query` matches part of the name or
    description, ignoring case."""
    groups = Group.objects.annotate(member_count=Count("memberships"))
    query = query.strip()
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return groups.order_by("name_key")


def find_group(*, name: str) -> Group | None:
    """The group with this name, compared ignoring case and surrounding spaces."""
    return Group.objects.filter(name_key=name.strip().casefold()).first()


def member_count(*, group: Group) -> int:
    return Membership.objects.filter(group=group).count()


def members_of(*, group: Group, query: str = "") -> QuerySet[Membership]:
    """The group's memberships with their users, by email then id; `query` is a user id
    (exact) or part of an email."""
    memberships = Membership.objects.filter(group=group).select_related("user")
    query = query.strip()
    if query:
        memberships = memberships.filter(matching_query(query, prefix="user__"))
    return memberships.order_by("user__email_normalized", "user__public_id")


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The user's memberships with their groups, by group name."""
    return Membership.objects.filter(user=user).select_related("group").order_by("group__name_key")


def group_names(*, user: User) -> list[str]:
    """The names of the user's groups, by name. Lists of users fetch them `with_groups`."""
    memberships = user.group_memberships.all()
    return [m.group.name for m in sorted(memberships, key=lambda m: m.group.name_key)]


def with_groups(users: QuerySet[User]) -> QuerySet[User]:
    """`users` fetching their memberships and groups in one more query, for lists that show
    every user's groups."""
    return users.prefetch_related(
        Prefetch("group_memberships", queryset=Membership.objects.select_related("group"))
    )


def all_groups() -> QuerySet[Group]:
    return Group.objects.all()
