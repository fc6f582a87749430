"""Setting up identity providers (admin panel and CLI alike) and the owner's SSO switches."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from parley import encryption
from parley.accounts.models import Role
from parley.accounts.validation import first_invisible_character
from parley.errors import NotFound, ParleyError, ValidationFailed, shown
from parley.external_auth import jwks
from parley.external_auth.errors import KeyRejected
from parley.groups.services import MODES, UNKNOWN_CHOICES

from . import discovery
from .errors import DiscoveryFailed
from .models import Kind, Provider, SsoSettings

SECRET_PURPOSE = "parley.sso.client-secret"
NAME_MAX_LENGTH = 100
SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,100}$")  # RFC 6749 scope-token
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
CLAIM = re.compile(r"^[^\s]{1,255}$")


class ProviderNameTaken(ParleyError):
    code = "sso_provider_name_taken"
    status = 409
    user_message = "Another identity provider already has this name."


@dataclass(frozen=True)
class OidcFields:
    """What an admin types for an OpenID Connect provider."""

    name: str
    issuer: str
    client_id: str
    client_secret: str  # "" when editing: keep the stored one
    button_text: str = ""
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    domains: tuple[str, ...] = ()
    groups_claim: str = ""
    groups_mode: str = "sync"
    unknown_groups: str = "ignore"
    allow_private_network: bool = False


def add_oidc_provider(*, fields: OidcFields) -> Provider:
    """Check the fields, fetch and check the issuer's discovery, and save a new, enabled
    provider with its secret encrypted. Raises ValidationFailed (DiscoveryFailed among them)
    or ProviderNameTaken; on any error nothing is saved."""
    if not fields.client_secret:
        raise ValidationFailed("client secret missing", user_message="Enter the client secret.")
    provider = Provider(kind=Kind.OIDC)
    return _save_oidc(provider, fields)


def update_oidc_provider(*, provider: Provider, fields: OidcFields) -> Provider:
    """As add_oidc_provider for an existing provider; an empty secret keeps the stored one."""
    return _save_oidc(provider, fields)


def _save_oidc(provider: Provider, fields: OidcFields) -> Provider:
    name = clean_provider_name(fields.name)
    provider.name = name
    provider.slug = provider.slug or _free_slug(name)
    provider.button_text = _clean_text(fields.button_text, field="button text", limit=100)
    provider.client_id = _clean_text(fields.client_id, field="client ID", limit=255, required=True)
    provider.scopes = clean_scopes(fields.scopes)
    provider.allowed_domains = clean_domains(fields.domains)
    provider.groups_claim = _clean_claim(fields.groups_claim)
    if fields.groups_mode not in MODES or fields.unknown_groups not in UNKNOWN_CHOICES:
        raise ValidationFailed(
            f"groups mode {shown(fields.groups_mode)} / unknown {shown(fields.unknown_groups)}",
            user_message="Choose how groups are synced and what happens to unknown names.",
        )
    provider.groups_mode, provider.unknown_groups = fields.groups_mode, fields.unknown_groups
    provider.allow_private_network = bool(fields.allow_private_network)
    provider.issuer = discovery.clean_issuer(fields.issuer)
    provider.discovery = discovery.discover(
        issuer=provider.issuer, allow_private_network=provider.allow_private_network
    )
    if fields.client_secret:
        secret = fields.client_secret.strip()
        if len(secret) > 1000 or first_invisible_character(secret):
            raise ValidationFailed(
                "client secret too long or holds control characters",
                user_message="The client secret is not valid.",
            )
        provider.client_secret_encrypted = encryption.encrypt(secret, purpose=SECRET_PURPOSE)
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ProviderNameTaken(f"provider name {name!r} is taken") from None
    return provider


def client_secret(provider: Provider) -> str | None:
    """The decrypted client secret; None when SECRET_KEY changed since it was stored."""
    return encryption.decrypt(provider.client_secret_encrypted, purpose=SECRET_PURPOSE)


def get_provider(*, name: str) -> Provider:
    """The provider by its name (any case) or URL id."""
    found = Provider.objects.filter(name__iexact=name.strip()).first()
    found = found or Provider.objects.filter(slug=name.strip()).first()
    if found is None:
        raise NotFound(f"no SSO provider {name!r}", user_message=f"No SSO provider {name!r}.")
    return found


def remove_provider(*, provider: Provider) -> int:
    """Delete the provider and its identities (their users stay); returns how many."""
    with transaction.atomic():
        identities = provider.identities.count()
        provider.delete()
    return identities


def set_enabled(*, provider: Provider, enabled: bool) -> Provider:
    provider.enabled = bool(enabled)
    provider.save(update_fields=["enabled", "updated_at"])
    return provider


def redirect_uri(provider: Provider) -> str:
    """The callback URL to register at the provider (SAML: the ACS URL)."""
    if provider.kind == Kind.SAML:
        path = reverse("saml_acs", kwargs={"organization_slug": provider.slug})
    else:
        path = reverse("openid_connect_callback", kwargs={"provider_id": provider.slug})
    return f"{settings.PUBLIC_URL}{path}"


def login_url(provider: Provider) -> str:
    """Where the login page's button posts."""
    if provider.kind == Kind.SAML:
        return reverse("saml_login", kwargs={"organization_slug": provider.slug})
    return reverse("openid_connect_login", kwargs={"provider_id": provider.slug})


def authorization_origin(provider: Provider) -> str:
    """Where the provider's sign-in page lives (scheme://host[:port]), for the login page's
    form-action: its button posts to Parley, which redirects there."""
    found = provider.discovery
    parts = urlsplit(found.get("authorization_endpoint") or found.get("sso_url") or provider.issuer)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    lines: tuple[str, ...]
    redirect_uri: str


def check_provider(*, provider: Provider) -> CheckResult:
    """Discovery reachable and valid, keys fetched and usable; keeps the fresh discovery."""
    if provider.kind == Kind.SAML:
        from .saml_services import check_saml_provider  # it builds on this module

        return check_saml_provider(provider=provider)
    lines = []
    try:
        found = discovery.discover(
            issuer=provider.issuer, allow_private_network=provider.allow_private_network
        )
        lines.append(f"Discovery: OK ({provider.issuer}).")
        keys = jwks.fetch_jwks(
            found["jwks_uri"], allow_private_network=provider.allow_private_network
        )
        usable = []
        for jwk in keys:
            try:
                usable.append(jwks.public_key_from_jwk(jwk))
            except KeyRejected:
                continue
        if not usable:
            raise DiscoveryFailed(f"no usable signing key at {found['jwks_uri']}")
        lines.append(f"Keys: {len(usable)} signing key(s) at {found['jwks_uri']}.")
    except (ParleyError, jwks.JwksUnavailable) as problem:
        lines.append(f"Failed: {getattr(problem, 'reason', str(problem))}")
        return CheckResult(ok=False, lines=tuple(lines), redirect_uri=redirect_uri(provider))
    if client_secret(provider) is None:
        lines.append("Failed: the client secret was stored under another SECRET_KEY; set it again.")
        return CheckResult(ok=False, lines=tuple(lines), redirect_uri=redirect_uri(provider))
    provider.discovery = found
    provider.save(update_fields=["discovery", "updated_at"])
    return CheckResult(ok=True, lines=tuple(lines), redirect_uri=redirect_uri(provider))


def clean_provider_name(name: str) -> str:
    name = _clean_text(name, field="name", limit=NAME_MAX_LENGTH, required=True)
    if not slugify(name):
        raise ValidationFailed(
            f"provider name {shown(name)} has no letters or digits",
            user_message="The name needs at least one letter or digit.",
        )
    return name


def clean_scopes(scopes) -> list[str]:
    cleaned = []
    for scope in scopes:
        scope = scope.strip()
        if not scope:
            continue
        if not SCOPE.match(scope):
            raise ValidationFailed(
                f"scope {shown(scope)} is not valid",
                user_message=f"The scope {scope[:40]!r} is not valid.",
            )
        if scope not in cleaned:
            cleaned.append(scope)
    if "openid" not in cleaned:
        cleaned.insert(0, "openid")
    return cleaned


def clean_domains(domains) -> list[str]:
    cleaned = []
    for domain in domains:
        domain = domain.strip().lower().lstrip("@")
        if not domain:
            continue
        if not DOMAIN.match(domain):
            raise ValidationFailed(
                f"domain {shown(domain)} is not valid",
                user_message=f"{domain[:60]!r} is not a domain name such as example.com.",
            )
        if domain not in cleaned:
            cleaned.append(domain)
    return cleaned


def _clean_claim(claim: str) -> str:
    claim = (claim or "").strip()
    if claim and not CLAIM.match(claim):
        raise ValidationFailed(
            f"claim {shown(claim)} is not valid",
            user_message="Name the claim without spaces, such as groups.",
        )
    return claim


def _clean_text(value, *, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationFailed(f"{field} missing", user_message=f"Enter the {field}.")
    if len(value) > limit or first_invisible_character(value):
        raise ValidationFailed(
            f"{field} {shown(value)} is too long or holds invisible characters",
            user_message=f"The {field} must be at most {limit} visible characters.",
        )
    return value


def _free_slug(name: str) -> str:
    base = slugify(name)[:50] or "provider"
    slug, number = base, 2
    while Provider.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def get_sso_settings() -> SsoSettings:
    row, _ = SsoSettings.objects.get_or_create(pk=1)
    return row


def update_sso_settings(
    *,
    link_by_email: bool,
    sso_only: bool,
    roles_from_claims: bool,
    roles_claim: str,
    roles_allowed: list[str],
) -> SsoSettings:
    """An owner's switches. A provider must be enabled before SSO-only mode is turned on
    (else only owners could sign in at all); owner can never come from a claim."""
    roles_claim = _clean_claim(roles_claim) or "role"
    unknown = [r for r in roles_allowed if r not in Role.values]
    if unknown or Role.OWNER in roles_allowed:
        raise ValidationFailed(
            f"roles {roles_allowed} refused",
            user_message="Choose roles among the known ones; a claim can never make an owner.",
        )
    if sso_only and not Provider.objects.filter(enabled=True).exists():
        raise ValidationFailed(
            "sso-only without an enabled provider",
            user_message="Add and enable an identity provider before switching to SSO only.",
        )
    with transaction.atomic():
        get_sso_settings()
        row = SsoSettings.objects.select_for_update().get(pk=1)
        row.link_by_email = bool(link_by_email)
        row.sso_only = bool(sso_only)
        row.roles_from_claims = bool(roles_from_claims)
        row.roles_claim = roles_claim
        row.roles_allowed = [r for r in Role.values if r in roles_allowed]
        row.save()
    return row
