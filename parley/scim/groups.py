"""SCIM Groups as Parley groups (RFC 7643 §4.2): displayName is the name, members are
memberships the identity provider manages (Source.SCIM, which a JWT sync never removes).
The SCIM `id` is the group's internal number."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from scim2_models import Context, GroupMember, Meta, PatchOp
from scim2_models import Group as GroupResource

from parley.accounts.models import Status
from parley.accounts.selectors import confirmed_users
from parley.audit.actors import scim_token
from parley.groups import services as groups
from parley.groups.models import Group, Membership, Source

from .auditing import record_change
from .filters import GROUP_ATTRIBUTES, filter_query
from .models import ScimGroup
from .patching import normalized_operations
from .protocol import ScimError, apply_patch, not_found, parse_id, validated

EXTERNAL_ID_MAX_LENGTH = ScimGroup._meta.get_field("external_id").max_length


def all_groups() -> QuerySet[Group]:
    return Group.objects.select_related("scim").order_by("pk")


def search(*, expression: str | None) -> QuerySet[Group]:
    return all_groups().filter(filter_query(expression, attributes=GROUP_ATTRIBUTES)).distinct()


def get(*, scim_id: str) -> Group:
    group = all_groups().filter(pk=parse_id(scim_id)).first() if parse_id(scim_id) else None
    if group is None:
        raise not_found(f"Group {scim_id[:40]}")
    return group


def as_resource(group: Group, *, base_url: str) -> GroupResource:
    record = getattr(group, "scim", None) if hasattr(group, "scim") else None
    members = (
        Membership.objects.filter(group=group)
        .exclude(user__status=Status.UNCONFIRMED)
        .select_related("user")
        .order_by("user_id")
    )
    return GroupResource(
        id=str(group.pk),
        external_id=(record.external_id or None) if record is not None else None,
        display_name=group.name,
        members=[
            GroupMember(
                value=str(m.user_id),
                ref=f"{base_url}Users/{m.user_id}",
                type="User",
            )
            for m in members
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=record.updated_at if record is not None else group.created_at,
            location=f"{base_url}Groups/{group.pk}",
        ),
    )


def create(*, payload: Any, token, request=None) -> Group:
    resource = validated(GroupResource, payload, context=Context.RESOURCE_CREATION_REQUEST)
    with transaction.atomic():
        group = groups.create_group(name=resource.display_name or "", by=scim_token(token))
        _write(group=group, resource=resource, token=token)
    return get(scim_id=str(group.pk))


def replace(*, group: Group, payload: Any, token, request=None) -> Group:
    resource = validated(GroupResource, payload, context=Context.RESOURCE_REPLACEMENT_REQUEST)
    return _apply(group=group, resource=resource, token=token, request=request)


def patch(*, group: Group, payload: Any, token, request=None) -> Group:
    operations = validated(
        PatchOp[GroupResource],
        normalized_operations(payload),
        context=Context.RESOURCE_PATCH_REQUEST,
    )
    resource = as_resource(group, base_url="/")
    apply_patch(operations, resource)
    return _apply(group=group, resource=resource, token=token, request=request)


def delete(*, group: Group, token, request=None) -> None:
    groups.delete_group(group=group, by=scim_token(token))


def _apply(*, group: Group, resource: GroupResource, token, request) -> Group:
    with transaction.atomic():
        if resource.display_name != group.name:
            groups.update_group(group=group, name=resource.display_name or "", by=scim_token(token))
        _write(group=group, resource=resource, token=token)
    return get(scim_id=str(group.pk))


def _write(*, group: Group, resource: GroupResource, token) -> None:
    """Store the externalId and make the members exactly those named (the group services
    record each membership change, naming the token)."""
    external_id = (resource.external_id or "").strip()
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        raise ScimError(
            status=400,
            scim_type="invalidValue",
            detail=f"externalId must be at most {EXTERNAL_ID_MAX_LENGTH} characters.",
        )
    record, _ = ScimGroup.objects.get_or_create(group=group)
    if record.external_id != external_id:
        record.external_id = external_id
        record.save()
        record_change(
            token=token,
            reason="scim_group_changed",
            detail=f"group “{group.name}” externalId “{external_id[:80]}”",
        )
    wanted = _member_users(resource)
    current = {m.user_id: m for m in Membership.objects.filter(group=group).select_related("user")}
    added = [user for pk, user in wanted.items() if pk not in current]
    # A membership a login's token made becomes the identity provider's, so no later JWT
    # sync removes what SCIM says.
    claimed = [m.user for pk, m in current.items() if pk in wanted and m.source == Source.TOKEN]
    removed = [m.user for pk, m in current.items() if pk not in wanted]
    for user in added + claimed:
        groups.add_member(group=group, user=user, source=Source.SCIM, by=scim_token(token))
    for user in removed:
        groups.remove_member(group=group, user=user, by=scim_token(token))


def _member_users(resource: GroupResource) -> dict:
    values = []
    for member in resource.members or []:
        if member.type not in (None, "User"):
            raise ScimError(
                status=400, scim_type="invalidValue", detail="Only users can be group members."
            )
        values.append(member.value or "")
    ids = {parse_id(value) for value in values} - {None}
    found = {user.pk: user for user in confirmed_users().filter(pk__in=ids)}
    unknown = [value for value in values if parse_id(value) not in found]
    if unknown:
        raise ScimError(
            status=400,
            scim_type="invalidValue",
            detail=f"No user has the id {', '.join(sorted(set(unknown))[:5])[:200]}.",
        )
    return found
