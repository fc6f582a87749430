"""/groups: list and search, create, get, rename or describe, delete, and members."""

from django.http import HttpResponse
from ninja import Path, Query, Router, Status

from parley.accounts import roles
from parley.audit import actors
from parley.errors import NotFound
from parley.groups import selectors
from parley.groups import services as groups

from .. import services
from ..schemas import (
    BODY_ERRORS,
    Error,
    GroupCreate,
    GroupId,
    GroupOut,
    GroupPage,
    GroupUpdate,
    MembershipOut,
    SearchText,
)
from ..security import key_with
from .pagination import Page

router = Router(tags=["Groups"])
AUTH_ERRORS = {401: Error, 403: Error}
GROUP = "/groups/{group_id}"
# {path:…}: a public ID may hold "/" (sent as %2F), as on /users/{user_id}.
MEMBER = "/groups/{group_id}/members/{path:user_id}"


@router.get(
    "/groups",
    auth=key_with(roles.MANAGE_GROUPS),
    response={200: GroupPage, 422: Error, **AUTH_ERRORS},
)
def list_groups(request, page: Query[Page], q: SearchText = ""):
    """Groups by name, with member counts. `q` matches part of a name or description."""
    found = selectors.search_groups(query=q)
    return {
        "items": [GroupOut.of(g) for g in found[page.offset : page.offset + page.limit]],
        "total": found.count(),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    "/groups",
    auth=key_with(roles.MANAGE_GROUPS),
    response={201: GroupOut, 409: Error, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
)
def create_group(request, body: GroupCreate):
    """Create a group; 409 `group_name_taken` when the name is taken in any case."""
    group = groups.create_group(
        name=body.name, description=body.description, by=actors.api_key(request.auth)
    )
    return Status(201, GroupOut.of(group, member_count=0))


@router.get(
    GROUP,
    auth=key_with(roles.MANAGE_GROUPS),
    response={200: GroupOut, 404: Error, 422: Error, **AUTH_ERRORS},
)
def get_group(request, group_id: Path[GroupId]):
    return GroupOut.of(groups.get_group(group_id=group_id))


@router.patch(
    GROUP,
    auth=key_with(roles.MANAGE_GROUPS),
    response={200: GroupOut, 404: Error, 409: Error, 422: Error, **AUTH_ERRORS, **BODY_ERRORS},
)
def update_group(request, group_id: Path[GroupId], body: GroupUpdate):
    """Rename the group or change its description; fields left out stay as they are."""
    group = groups.update_group(
        group=groups.get_group(group_id=group_id),
        name=body.name,
        description=body.description,
        by=actors.api_key(request.auth),
    )
    return GroupOut.of(group)


@router.delete(
    GROUP,
    auth=key_with(roles.MANAGE_GROUPS),
    response={204: None, 404: Error, 422: Error, **AUTH_ERRORS},
)
def delete_group(request, group_id: Path[GroupId]):
    """Delete the group; its members leave it (they are not deleted)."""
    groups.delete_group(group=groups.get_group(group_id=group_id), by=actors.api_key(request.auth))
    return HttpResponse(status=204)


@router.put(
    MEMBER,
    auth=key_with(roles.MANAGE_GROUPS),
    response={200: MembershipOut, 404: Error, 422: Error, **AUTH_ERRORS},
)
def add_member(request, group_id: Path[GroupId], user_id: str):
    """Put the user in the group, as an admin's membership: a login's token never removes
    it. Already a member: no change (a token-managed membership becomes an admin's)."""
    group = groups.get_group(group_id=group_id)
    membership = groups.add_member(
        group=group, user=services.user_by_public_id(user_id), by=actors.api_key(request.auth)
    )
    return MembershipOut.of(membership)


@router.delete(
    MEMBER,
    auth=key_with(roles.MANAGE_GROUPS),
    response={204: None, 404: Error, 422: Error, **AUTH_ERRORS},
)
def remove_member(request, group_id: Path[GroupId], user_id: str):
    """Take the user out of the group, whoever added them; 404 when they are not in it."""
    group = groups.get_group(group_id=group_id)
    if not groups.remove_member(
        group=group, user=services.user_by_public_id(user_id), by=actors.api_key(request.auth)
    ):
        raise NotFound("not a member", user_message="This user is not in this group.")
    return HttpResponse(status=204)
