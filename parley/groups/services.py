"""Managing groups and memberships: the admin's changes, and a login's changes from its token."""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from parley.accounts.models import User
from parley.accounts.validation import first_invisible_character
from parley.audit import services as audit
from parley.errors import NotFound, ParleyError, ValidationFailed, shown

from .models import Group, Membership, Source, group_name_key

NAME_MAX_LENGTH = Group._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = 1000
SYNC, ADD = "sync", "add"
IGNORE, CREATE = "ignore", "create"
MODES = (SYNC, ADD)
UNKNOWN_CHOICES = (IGNORE, CREATE)


class GroupNameTaken(ParleyError):
    code = "group_name_taken"
    status = 409
    user_message = "Another group already has this name (names are compared ignoring case)."


def clean_group_name(name: Any, *, field: str = "group name") -> str:
    """A group's name, trimmed, or ValidationFailed naming `field` in the reason."""
    if not isinstance(name, str):
        raise ValidationFailed(
            f"{field} {shown(name)} is not a string", user_message="A group name must be text."
        )
    name = name.strip()
    if not name:
        raise ValidationFailed(f"{field} is empty", user_message="A group name must not be empty.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            f"{field} {shown(name)} has {len(name)} characters, more than {NAME_MAX_LENGTH}",
            user_message=f"A group name must be at most {NAME_MAX_LENGTH} characters.",
        )
    refused = first_invisible_character(name)
    if refused is not None:
        raise ValidationFailed(
            f"{field} {shown(name)} contains the invisible or control character "
            f"U+{ord(refused):04X}",
            user_message=(
                "A group name must not contain invisible or control characters "
                f"(it contains U+{ord(refused):04X})."
            ),
        )
    return name


def _clean_description(description: Any) -> str:
    if not isinstance(description, str):
        raise ValidationFailed("description is not a string", user_message="Enter text.")
    description = description.strip()
    if len(description) > DESCRIPTION_MAX_LENGTH or "\x00" in description:
        raise ValidationFailed(
            "description too long or holds U+0000",
            user_message=f"The description must be at most {DESCRIPTION_MAX_LENGTH} characters.",
        )
    return description


def get_group(*, group_id: int) -> Group:
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        raise NotFound(f"no group {group_id}", user_message="There is no such group.")
    return group


# Every change below is an audit event naming who made it (`by`, from parley.audit.actors),
# written in the change's transaction: a change is never in effect without its record.


def create_group(*, name: str, description: str = "", by: str) -> Group:
    name = clean_group_name(name)
    description = _clean_description(description)
    try:
        with transaction.atomic():
            group = Group.objects.create(name=name, description=description)
            audit.record_change(by=by, reason="group_created", detail=f"group “{name}”")
    except IntegrityError:
        raise GroupNameTaken(f"group name {name!r} is taken") from None
    return group


def update_group(
    *, group: Group, name: str | None = None, description: str | None = None, by: str
) -> Group:
    """Rename and/or describe `group`; members and what they have access to stay."""
    old_name = group.name
    if name is not None:
        group.name = clean_group_name(name)
    if description is not None:
        group.description = _clean_description(description)
    changed = []
    if group.name != old_name:
        changed.append(f"renamed to “{group.name}”")
    if description is not None:
        changed.append("description changed")
    try:
        with transaction.atomic():
            group.save()
            if changed:
                detail = f"group “{old_name}” {', '.join(changed)}"
                audit.record_change(by=by, reason="group_changed", detail=detail)
    except IntegrityError:
        raise GroupNameTaken(f"group name {group.name!r} is taken") from None
    return group


def delete_group(*, group: Group, by: str) -> int:
    """Delete the group and its memberships; returns how many people were in it."""
    with transaction.atomic():
        members = group.memberships.count()
        group.delete()
        detail = f"group “{group.name}”, {members} member{'' if members == 1 else 's'}"
        audit.record_change(by=by, reason="group_deleted", detail=detail)
    return members


def add_member(*, group: Group, user: User, by: str, source: str = Source.MANUAL) -> Membership:
    """Put `user` in `group`. An admin's (or SCIM's) addition turns a token-managed
    membership into theirs, so later logins no longer remove it; a token never downgrades
    one."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            group=group, user=user, defaults={"source": source}
        )
        if not created and source != Source.TOKEN and membership.source == Source.TOKEN:
            membership.source = source
            membership.save(update_fields=["source"])
            created = True  # now kept by an admin or SCIM: worth a record
        if created:
            audit.record_change(
                by=by,
                reason="group_member_added",
                public_user_id=user.public_id,
                detail=f"group “{group.name}” ({membership.get_source_display().lower()})",
            )
    return membership


def remove_member(*, group: Group, user: User, by: str) -> bool:
    """Take `user` out of `group`, whoever added them; False when they were not in it."""
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(group=group, user=user).delete()
        if deleted:
            audit.record_change(
                by=by,
                reason="group_member_removed",
                public_user_id=user.public_id,
                detail=f"group “{group.name}”",
            )
    return bool(deleted)


@dataclass(frozen=True)
class TokenGroupChanges:
    """What a login's group list does to one person's memberships."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    created: tuple[str, ...] = ()  # groups that did not exist (also in `added`)
    ignored: tuple[str, ...] = ()  # unknown names, with unknown groups ignored
    kept: tuple[str, ...] = ()  # managed by an admin or SCIM: never removed

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.ignored)

    def describe(self) -> str:
        """For the login's audit event: "groups +sales -support (created sales)"."""
        parts = [f"+{name}" for name in self.added] + [f"-{name}" for name in self.removed]
        text = "groups " + " ".join(parts) if parts else "groups unchanged"
        if self.created:
            text += f" (created {', '.join(self.created)})"
        if self.ignored:
            text += f" (unknown, ignored: {', '.join(self.ignored)})"
        return text


def plan_token_groups(*, user: User | None, names: list[str], mode: str, unknown: str):
    """What `sync_from_token` would change, from reads alone (the token tester asks this;
    `user` None is a user the login would create). `names` are cleaned, as
    `clean_token_group_names` returns them. Returns (changes, groups to join)."""
    wanted = {group_name_key(name): name for name in names}
    existing = {g.name_key: g for g in Group.objects.filter(name_key__in=list(wanted))}
    current = {}
    if user is not None and user.pk is not None:
        memberships = Membership.objects.filter(user=user).select_related("group")
        current = {m.group.name_key: m for m in memberships}
    added, created, ignored, join = [], [], [], []
    for key, name in wanted.items():
        group = existing.get(key)
        if group is None and unknown != CREATE:
            ignored.append(name)
            continue
        if key in current:
            continue
        join.append(group or name)
        added.append(group.name if group else name)
        if group is None:
            created.append(name)
    removed, kept = [], []
    for key, membership in current.items():
        if key in wanted or mode != SYNC:
            continue
        if membership.source == Source.TOKEN:
            removed.append(membership.group.name)
        else:
            kept.append(membership.group.name)
    changes = TokenGroupChanges(
        added=tuple(added),
        removed=tuple(sorted(removed)),
        created=tuple(created),
        ignored=tuple(ignored),
        kept=tuple(sorted(kept)),
    )
    return changes, join


def sync_from_token(*, user: User, names: list[str], mode: str, unknown: str) -> TokenGroupChanges:
    """Apply a login's group list: join its groups (creating unknown ones if `unknown` is
    CREATE); with SYNC also leave the token-managed groups it no longer names. Memberships
    an admin or SCIM set are never removed or made token-managed. Run it in the login's
    transaction, so a failed login changes no membership."""
    changes, join = plan_token_groups(user=user, names=names, mode=mode, unknown=unknown)
    for target in join:
        group = target if isinstance(target, Group) else _group_for_token(target)
        Membership.objects.get_or_create(group=group, user=user, defaults={"source": Source.TOKEN})
    if changes.removed:
        Membership.objects.filter(
            user=user,
            source=Source.TOKEN,
            group__name_key__in=[group_name_key(name) for name in changes.removed],
        ).delete()
    return changes


def _group_for_token(name: str) -> Group:
    # get_or_create in a savepoint: two first logins naming the same new group at once make
    # one group, the second finding the first's row after its insert collides.
    group, _ = Group.objects.get_or_create(name_key=group_name_key(name), defaults={"name": name})
    return group
