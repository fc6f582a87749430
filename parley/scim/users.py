"""SCIM Users as Parley users (RFC 7643 §4.1): userName and emails give the email,
externalId the public id, displayName or name the display name, active the status.
The SCIM `id` is the user's internal number: it never changes, while externalId may."""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from pydantic import ValidationError
from scim2_models import Context, Email, EnterpriseUser, GroupMembership, Meta, Name, PatchOp
from scim2_models import User as UserResource

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, Status, User, normalize_email
from parley.accounts.selectors import confirmed_users
from parley.accounts.validation import clean_email, clean_name, clean_public_id
from parley.errors import ParleyError, UserIdTaken, ValidationFailed

from .auditing import record_change
from .filters import USER_ATTRIBUTES, filter_query
from .models import ScimToken, ScimUser
from .patching import normalized_operations
from .protocol import ScimError, apply_patch, not_found, parse_id, validated

# What a request may carry: Entra sends enterprise attributes by default. Parley keeps the
# core attributes its schema publishes (discovery.py) and ignores the rest.
REQUEST_MODEL = UserResource[EnterpriseUser]


@dataclass(frozen=True)
class UserFields:
    """What a SCIM User resource sets on a Parley user."""

    user_name: str
    email: str | None
    public_id: str | None
    name: str
    active: bool | None
    attributes: dict[str, Any]


def users() -> QuerySet[User]:
    return (
        confirmed_users()
        .select_related("scim")
        .prefetch_related("group_memberships__group")
        .order_by("pk")
    )


def search(*, expression: str | None) -> QuerySet[User]:
    return users().filter(filter_query(expression, attributes=USER_ATTRIBUTES)).distinct()


def get(*, scim_id: str) -> User:
    user = users().filter(pk=parse_id(scim_id)).first() if parse_id(scim_id) else None
    if user is None:
        raise not_found(f"User {scim_id[:40]}")
    return user


def as_resource(user: User, *, base_url: str, model=UserResource) -> UserResource:
    record = getattr(user, "scim", None) if hasattr(user, "scim") else None
    attributes = record.attributes if record is not None else {}
    emails = attributes.get("emails") or []
    stored_email = _email_of(emails)
    if normalize_email(stored_email) != user.email_normalized:
        emails = [{"value": user.email, "type": "work", "primary": True}] if user.email else []
    display_name = attributes.get("displayName")
    if _name_of(attributes) != user.name:
        display_name = user.name or None
    memberships = sorted(user.group_memberships.all(), key=lambda m: m.group.name_key)
    # externalId is the public id; once the identity provider has removed it, Parley keeps
    # the id (a JWT names the person by it) and no longer reports it as theirs.
    external_id = user.public_id if record is None or attributes.get("externalId") else None
    return model(
        id=str(user.pk),
        external_id=external_id,
        user_name=record.user_name if record is not None else (user.email or user.public_id),
        name=Name.model_validate(attributes["name"]) if attributes.get("name") else None,
        display_name=display_name,
        emails=[_email_entry(email) for email in emails] or None,
        active=user.status == Status.ACTIVE,
        groups=[
            GroupMembership(
                value=str(m.group_id),
                display=m.group.name,
                ref=f"{base_url}Groups/{m.group_id}",
                type="direct",
            )
            for m in memberships
        ]
        or None,
        meta=Meta(
            resource_type="User",
            created=user.created_at,
            last_modified=record.updated_at if record is not None else user.created_at,
            location=f"{base_url}Users/{user.pk}",
        ),
    )


def create(*, payload: Any, token: ScimToken, request=None) -> User:
    resource = validated(REQUEST_MODEL, payload, context=Context.RESOURCE_CREATION_REQUEST)
    fields = _fields(resource)
    with transaction.atomic():
        _require_free_user_name(fields.user_name, exclude=None)
        user = accounts.create_user(
            email=fields.email,
            created_via=CreatedVia.SCIM,
            public_id=fields.public_id,
            active=fields.active is not False,  # an inactive person takes no seat
        )
        accounts.set_name(user=user, name=fields.name)
        _save_record(ScimUser(user=user, user_name=fields.user_name, attributes=fields.attributes))
    record_change(
        token=token,
        reason="scim_user_created",
        detail=f"created user {user.public_id} ({fields.user_name})"
        + ("" if fields.active is not False else ", deactivated"),
        request=request,
        public_user_id=user.public_id,
    )
    return get(scim_id=str(user.pk))


def replace(*, user: User, payload: Any, token: ScimToken, request=None) -> User:
    resource = validated(REQUEST_MODEL, payload, context=Context.RESOURCE_REPLACEMENT_REQUEST)
    return _apply(user=user, resource=resource, token=token, request=request)


def patch(*, user: User, payload: Any, token: ScimToken, request=None) -> User:
    operations = validated(
        PatchOp[REQUEST_MODEL],
        normalized_operations(payload),
        context=Context.RESOURCE_PATCH_REQUEST,
    )
    resource = as_resource(user, base_url="/", model=REQUEST_MODEL)
    apply_patch(operations, resource)
    return _apply(user=user, resource=resource, token=token, request=request)


def delete(*, user: User, token: ScimToken, request=None) -> None:
    accounts.delete_user(user=user)
    record_change(
        token=token,
        reason="scim_user_deleted",
        detail=f"deleted user {user.public_id}",
        request=request,
        public_user_id=user.public_id,
    )


def _apply(*, user: User, resource: UserResource, token: ScimToken, request) -> User:
    fields = _fields(resource)
    changes = []
    _require_not_staff_identity_change(user, fields)
    with transaction.atomic():
        _require_free_user_name(fields.user_name, exclude=user)
        if normalize_email(fields.email) != user.email_normalized:
            changes.append(f"email {user.email or '-'} → {fields.email or '-'}")
            accounts.update_email(user=user, email=fields.email)
        if fields.public_id is not None and fields.public_id != user.public_id:
            changes.append(f"id {user.public_id} → {fields.public_id}")
            _set_public_id(user=user, public_id=fields.public_id)
        if fields.name != user.name:
            changes.append("name")
            accounts.set_name(user=user, name=fields.name)
        record = ScimUser.objects.filter(user=user).first() or ScimUser(user=user)
        if record.user_name != fields.user_name or record.attributes != fields.attributes:
            record.user_name, record.attributes = fields.user_name, fields.attributes
            _save_record(record)
            changes.append("attributes")
        if fields.active is False and user.status == Status.ACTIVE:
            accounts.deactivate_user(user=user)
            changes.append("deactivated")
        elif fields.active is True and user.status != Status.ACTIVE:
            accounts.reactivate_user(user=user)
            changes.append("reactivated")
    if changes:
        reason = "scim_user_updated"
        if "deactivated" in changes:
            reason = "scim_user_deactivated"
        elif "reactivated" in changes:
            reason = "scim_user_reactivated"
        record_change(
            token=token,
            reason=reason,
            detail=f"user {user.public_id}: {', '.join(changes)}",
            request=request,
            public_user_id=user.public_id,
        )
    return get(scim_id=str(user.pk))


def _fields(resource: UserResource) -> UserFields:
    user_name = (resource.user_name or "").strip()
    if not user_name or len(user_name) > ScimUser._meta.get_field("user_name").max_length:
        raise ScimError(
            status=400, scim_type="invalidValue", detail="userName must be 1 to 255 characters."
        )
    name = (
        resource.name.model_dump(scim_ctx=None, by_alias=True, exclude_none=True, mode="json")
        if resource.name
        else {}
    )
    emails = [
        email.model_dump(scim_ctx=None, by_alias=True, exclude_none=True, mode="json")
        for email in resource.emails or []
    ]
    attributes = {
        key: value
        for key, value in (
            ("name", name),
            ("displayName", resource.display_name),
            ("emails", emails),
            ("externalId", resource.external_id is not None),
        )
        if value
    }
    try:
        email = _email_of(emails) or _email_like(user_name)
        email = clean_email(email, field="emails.value")
        public_id = (
            clean_public_id(resource.external_id, field="externalId")
            if resource.external_id is not None
            else None
        )
        name_text = clean_name(_name_of(attributes), field="displayName")
    except ParleyError as error:
        raise ScimError(
            status=400, scim_type="invalidValue", detail=error.user_message, reason=error.reason
        ) from None
    return UserFields(
        user_name=user_name,
        email=email,
        public_id=public_id,
        name=name_text,
        active=resource.active,
        attributes=attributes,
    )


def _email_entry(email: dict) -> Email:
    """An emails entry to show. Parley's email rule (Django's) takes addresses such as
    a@host.test that pydantic's refuses; such a user must still be listed, so the address is
    shown as stored."""
    try:
        return Email.model_validate(email)
    except ValidationError:
        rest = Email.model_validate({k: v for k, v in email.items() if k != "value"})
        return Email.model_construct(**{**dict(rest), "value": email.get("value")})


def _email_of(emails: list[dict]) -> str | None:
    """The primary email's value, else the first one's."""
    chosen = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    return chosen.get("value") if chosen else None


def _email_like(user_name: str) -> str | None:
    """userName when it is an email address (Okta's default, and Entra's UPN mostly is)."""
    try:
        return clean_email(user_name)
    except ValidationFailed:
        return None


def _name_of(attributes: dict) -> str:
    """The display name a SCIM user gives: displayName, else name.formatted, else the given
    and family names."""
    name = attributes.get("name") or {}
    joined = " ".join(part for part in (name.get("givenName"), name.get("familyName")) if part)
    return (attributes.get("displayName") or name.get("formatted") or joined or "").strip()


def _save_record(record: ScimUser) -> None:
    """Save the SCIM view; a userName another request took meanwhile is a uniqueness error
    (the check before is only the friendly path)."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise _user_name_taken(record.user_name) from None


def _user_name_taken(user_name: str) -> ScimError:
    return ScimError(
        status=409,
        scim_type="uniqueness",
        detail=f"Another user already has the userName “{user_name[:80]}”.",
    )


def _require_free_user_name(user_name: str, *, exclude: User | None) -> None:
    taken = ScimUser.objects.filter(user_name_key=user_name.casefold())
    plain = confirmed_users().filter(scim__isnull=True, email_normalized=user_name.casefold())
    if exclude is not None:
        taken, plain = taken.exclude(user=exclude), plain.exclude(pk=exclude.pk)
    if taken.exists() or plain.exists():
        raise _user_name_taken(user_name)


def _require_not_staff_identity_change(user: User, fields: UserFields) -> None:
    """An admin's email and id are how they sign in: a SCIM token changing them could hand
    the admin panel to whoever holds the new mailbox. The identity provider may still rename
    and deactivate them; an owner changes their email in the Admin Panel."""
    if not user.is_staff:
        return
    email_changes = normalize_email(fields.email) != user.email_normalized
    id_changes = fields.public_id is not None and fields.public_id != user.public_id
    if email_changes or id_changes:
        raise ScimError(
            status=403,
            detail="SCIM does not change the email or ID of a Parley admin; an owner can "
            "change it in the Admin Panel.",
            reason=f"SCIM tried to change the email or id of {user.role} {user.public_id}",
        )


def _set_public_id(*, user: User, public_id: str) -> None:
    """externalId is the public id a JWT names the person by, so a new one renames it."""
    if User.objects.filter(public_id=public_id).exclude(pk=user.pk).exists():
        raise UserIdTaken(f"public id {public_id!r} already in use")
    user.public_id = public_id
    user.save(update_fields=["public_id"])
