"""Setting up SAML 2.0 identity providers (admin panel and CLI alike): the IdP's metadata
(URL or pasted XML), the attribute mapping, domains and groups. Names, domains, groups modes
and the Test are shared with OIDC providers (services.py)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from parley.errors import ParleyError, ValidationFailed, shown
from parley.groups.services import MODES, UNKNOWN_CHOICES

from . import saml_metadata
from .models import Kind, Provider
from .saml import sp_urls
from .services import (
    CheckResult,
    ProviderNameTaken,
    _clean_claim,
    _clean_text,
    _free_slug,
    clean_domains,
    clean_provider_name,
    redirect_uri,
)

ATTRIBUTE_MAX_LENGTH = 255


@dataclass(frozen=True)
class SamlFields:
    """What an admin gives for a SAML provider: the metadata URL or its XML (one of them;
    both empty when editing keeps the stored metadata), and the attribute names."""

    name: str
    metadata_url: str = ""
    metadata_xml: str = ""
    button_text: str = ""
    attr_id: str = ""  # empty: the NameID
    attr_email: str = "email"
    attr_name: str = "name"
    attr_email_verified: str = ""
    domains: tuple[str, ...] = ()
    groups_claim: str = ""  # the groups attribute
    groups_mode: str = "sync"
    unknown_groups: str = "ignore"
    allow_private_network: bool = False


def add_saml_provider(*, fields: SamlFields) -> Provider:
    """Check the fields, fetch (or read) and check the IdP metadata, and save a new, enabled
    SAML provider. Raises ValidationFailed (SamlMetadataInvalid among them) or
    ProviderNameTaken; on any error nothing is saved."""
    if not fields.metadata_url.strip() and not fields.metadata_xml.strip():
        raise ValidationFailed(
            "neither metadata URL nor XML",
            user_message="Give the IdP's metadata URL or paste its metadata XML.",
        )
    return _save(Provider(kind=Kind.SAML), fields)


def update_saml_provider(*, provider: Provider, fields: SamlFields) -> Provider:
    """As add_saml_provider for an existing one; no URL and no XML keeps the metadata."""
    return _save(provider, fields)


def _save(provider: Provider, fields: SamlFields) -> Provider:
    if fields.metadata_url.strip() and fields.metadata_xml.strip():
        raise ValidationFailed(
            "both metadata URL and XML",
            user_message="Give either the metadata URL or the XML, not both.",
        )
    name = clean_provider_name(fields.name)
    provider.name = name
    provider.slug = provider.slug or _free_slug(name)
    provider.button_text = _clean_text(fields.button_text, field="button text", limit=100)
    provider.attribute_map = {
        "id": _attribute(fields.attr_id),
        "email": _attribute(fields.attr_email),
        "name": _attribute(fields.attr_name),
        "email_verified": _attribute(fields.attr_email_verified),
    }
    provider.allowed_domains = clean_domains(fields.domains)
    provider.groups_claim = _attribute(fields.groups_claim)
    if fields.groups_mode not in MODES or fields.unknown_groups not in UNKNOWN_CHOICES:
        raise ValidationFailed(
            f"groups mode {shown(fields.groups_mode)} / unknown {shown(fields.unknown_groups)}",
            user_message="Choose how groups are synced and what happens to unknown names.",
        )
    provider.groups_mode, provider.unknown_groups = fields.groups_mode, fields.unknown_groups
    provider.allow_private_network = bool(fields.allow_private_network)
    private = provider.allow_private_network
    if fields.metadata_url.strip():
        provider.metadata_url = saml_metadata.clean_metadata_url(fields.metadata_url)
        xml = saml_metadata.fetch_metadata(url=provider.metadata_url, allow_private_network=private)
        provider.discovery = saml_metadata.read_metadata(xml)
    elif fields.metadata_xml.strip():
        provider.metadata_url = ""
        provider.discovery = saml_metadata.read_metadata(fields.metadata_xml)
    provider.issuer = provider.discovery.get("entity_id", "")
    if not provider.issuer:
        raise ValidationFailed("no metadata", user_message="Give the IdP's metadata.")
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ProviderNameTaken(f"provider name {name!r} is taken") from None
    return provider


def check_saml_provider(*, provider: Provider) -> CheckResult:
    """Metadata fetched again (when it came from a URL) and usable; keeps the fresh copy."""
    lines = []
    private = provider.allow_private_network
    try:
        if provider.metadata_url:
            xml = saml_metadata.fetch_metadata(
                url=provider.metadata_url, allow_private_network=private
            )
            found = saml_metadata.read_metadata(xml)
            lines.append(f"Metadata: OK ({provider.metadata_url}).")
        else:
            found = dict(provider.discovery)
            lines.append("Metadata: pasted XML (paste it again when the IdP changes its key).")
        lines.append(f"IdP entity ID: {found['entity_id']}; sign-in URL: {found['sso_url']}.")
    except ParleyError as problem:
        lines.append(f"Failed: {problem.reason}")
        return CheckResult(ok=False, lines=tuple(lines), redirect_uri=redirect_uri(provider))
    provider.discovery = found
    provider.issuer = found["entity_id"]
    provider.save(update_fields=["discovery", "issuer", "updated_at"])
    return CheckResult(ok=True, lines=tuple(lines), redirect_uri=redirect_uri(provider))


def saml_details(provider: Provider) -> dict:
    """What `sso list --json` adds for a SAML provider (nothing for others)."""
    if provider.kind != Kind.SAML:
        return {}
    return {
        "metadata_url": provider.metadata_url,
        "attributes": provider.attribute_map,
        "sp_metadata_url": sp_urls(provider)["metadata_url"],
    }


def _attribute(name: str) -> str:
    name = _clean_claim(name)
    if len(name) > ATTRIBUTE_MAX_LENGTH:
        raise ValidationFailed(
            f"attribute {shown(name)} too long",
            user_message=f"Attribute names are at most {ATTRIBUTE_MAX_LENGTH} characters.",
        )
    return name
