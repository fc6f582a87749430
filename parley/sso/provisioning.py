"""An SSO login's claims → a Parley user, for any provider kind: a claims dict in (OIDC's
id_token and userinfo, SAML's attributes), a user out, under the seat, link-by-email, group
and role rules every other login obeys."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from parley.accounts import services as accounts
from parley.accounts.linking import link_refusal
from parley.accounts.models import CreatedVia, Status, User
from parley.accounts.validation import clean_email, clean_name
from parley.errors import EmailTaken, UserDeactivated, ValidationFailed, shown
from parley.external_auth.errors import InvalidClaims
from parley.external_auth.token_groups import read_claimed_groups
from parley.external_auth.token_roles import apply_claimed_role
from parley.groups import services as groups

from .errors import EmailDomainNotAllowed, SsoIdentityConflict
from .models import Identity, Provider, SsoSettings

SUBJECT_MAX_LENGTH = 255


@dataclass(frozen=True)
class SsoClaims:
    """What a provider asserts about the person, already verified by its protocol."""

    subject: str
    email: str | None
    email_verified: bool
    name: str
    raw: Mapping[str, Any] = field(default_factory=dict)  # for the groups and role claims


@dataclass(frozen=True)
class Provisioned:
    user: User
    created: bool = False
    linked: bool = False
    notes: tuple[str, ...] = ()


def claims_from_oidc(payload: Mapping[str, Any]) -> SsoClaims:
    """SsoClaims from OIDC's standard claims (id_token merged with userinfo)."""
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > SUBJECT_MAX_LENGTH:
        raise InvalidClaims(f"sub {shown(subject)} is not a string of 1-{SUBJECT_MAX_LENGTH}")
    verified = payload.get("email_verified")
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [payload.get("given_name"), payload.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    email = payload.get("email")
    return SsoClaims(
        subject=subject,
        email=email if isinstance(email, str) and email.strip() else None,
        # Some providers send "true" as text; anything else is not a yes.
        email_verified=verified is True or verified == "true",
        name=name,
        raw=payload,
    )


def provision_sso_user(
    *, provider: Provider, claims: SsoClaims, sso_settings: SsoSettings
) -> Provisioned:
    """The user these claims name at `provider`: found by its identity, linked to the user
    holding the email (verified by the provider, allowed by an owner, never an admin), or
    created with a seat. Name, email, groups and (when an owner allows) role are refreshed.

    Raises EmailDomainNotAllowed, UserDeactivated, SsoIdentityConflict, SeatLimitReached,
    InvalidClaims and the role errors; on any error nothing is created or changed."""
    email = _clean_claim(clean_email, claims.email, "email")
    name = _clean_claim(clean_name, claims.name, "name") or ""
    _require_allowed_domain(provider, email)
    group_names = None
    if provider.groups_claim:
        group_names = read_claimed_groups(payload=claims.raw, claim=provider.groups_claim)
    with accounts.seat_transaction():
        identity = _identity(provider, claims.subject)
        created = linked = False
        if identity is not None:
            user = identity.user
            if user.status != Status.ACTIVE:
                raise UserDeactivated(f"user {user.public_id} is deactivated")
        else:
            holder = accounts.find_user_by_email(email) if email else None
            if holder is not None:
                user, linked = _linkable(holder, provider, claims, sso_settings), True
            else:
                user, created = accounts.create_user(email=email, created_via=CreatedVia.SSO), True
            Identity.objects.create(provider=provider, subject=claims.subject, user=user)
        notes = ["user created"] if created else ["linked by email"] if linked else []
        notes += _refresh(user, email=email, name=name)
        role_note = apply_claimed_role(
            user=user,
            payload=claims.raw,
            enabled=sso_settings.roles_from_claims,
            claim=sso_settings.roles_claim,
            allowed=list(sso_settings.roles_allowed or []),
            staff_allowed=True,  # the owner listed the roles a provider may grant
            by=f"SSO provider “{provider.name}”",
        )
        if role_note:
            notes.append(role_note)
        if group_names is not None:
            changes = groups.sync_from_token(
                user=user,
                names=group_names,
                mode=provider.groups_mode,
                unknown=provider.unknown_groups,
            )
            notes.append(changes.describe())
    return Provisioned(user=user, created=created, linked=linked, notes=tuple(notes))


def _identity(provider: Provider, subject: str) -> Identity | None:
    return (
        Identity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    )


def _clean_claim(cleaner, value, claim: str):
    try:
        return cleaner(value)
    except ValidationFailed as refused:
        raise InvalidClaims(f"{claim} claim: {refused.reason}") from None


def _require_allowed_domain(provider: Provider, email: str | None) -> None:
    domains = provider.allowed_domains or []
    if not domains:
        return
    domain = email.rsplit("@", 1)[-1].lower() if email else ""
    if domain not in domains:
        raise EmailDomainNotAllowed(
            f"email {email!r} is not in the allowed domains {domains} of {provider.name!r}"
        )


def _linkable(
    holder: User, provider: Provider, claims: SsoClaims, sso_settings: SsoSettings
) -> User:
    """The existing user with the claims' email, if this first login may take it over."""
    other = holder.sso_identities.filter(provider=provider).exists()
    why = link_refusal(
        holder=holder,
        allowed=sso_settings.link_by_email,
        taken_by=f"another {provider.name} identity" if other else "",
    )
    if why is None and not claims.email_verified:
        why = (
            f"belongs to user {holder.public_id!r}, and {provider.name} does not assert "
            "email_verified"
        )
    if why:
        raise SsoIdentityConflict(
            f"email {claims.email!r} of {provider.name} subject {claims.subject!r} {why}"
        )
    if holder.status != Status.ACTIVE:
        raise UserDeactivated(f"user {holder.public_id} is deactivated")
    return holder


def _refresh(user: User, *, email: str | None, name: str) -> list[str]:
    notes = []
    if name and name != user.name:
        accounts.set_name(user=user, name=name)
    if email and email != user.email:
        try:
            with transaction.atomic():
                accounts.update_email(user=user, email=email)
        except EmailTaken:
            notes.append(f"email {email!r} kept unchanged: it belongs to another user")
    return notes
