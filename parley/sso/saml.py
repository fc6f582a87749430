"""SAML 2.0 sign-in through django-allauth's SAML provider (python3-saml and xmlsec
underneath), fed from Parley's Provider rows and tightened: assertions must be signed
(python3-saml's strict mode then also checks the audience, the destination and recipient,
the time conditions and rejects signature wrapping), the InResponseTo must name a request
this browser's session started (IdP-initiated sign-in is refused), and an assertion is used
at most once (SamlAssertion). The verified attributes end in login.finish_login like OIDC's
claims."""

from datetime import UTC, datetime, timedelta

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.saml import views as allauth_saml
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.views.decorators.cache import never_cache
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.errors import OneLogin_Saml2_Error
from onelogin.saml2.xmlparser import DTDForbidden, EntitiesForbidden, NotSupportedError

from parley.errors import AuthError, shown
from parley.external_auth.errors import InvalidClaims
from parley.web.security_headers import allow_form_action

from . import selectors
from .errors import BadState, InvalidSamlResponse, SamlReplayed, SsoFailed
from .login import refuse
from .models import Provider, SamlAssertion
from .provisioning import SUBJECT_MAX_LENGTH, SsoClaims
from .services import authorization_origin

EMAIL_NAME_ID = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
# An assertion without a NotOnOrAfter is remembered this long against replays.
REPLAY_WINDOW = timedelta(days=1)
ATTRIBUTE_KEYS = ("id", "email", "name", "email_verified")


def sp_urls(provider: Provider) -> dict[str, str]:
    """Parley's side, to give the IdP: entity id (= the SP metadata URL) and ACS URL."""
    metadata = reverse("saml_metadata", kwargs={"organization_slug": provider.slug})
    acs = reverse("saml_acs", kwargs={"organization_slug": provider.slug})
    return {
        "entity_id": f"{settings.PUBLIC_URL}{metadata}",
        "metadata_url": f"{settings.PUBLIC_URL}{metadata}",
        "acs_url": f"{settings.PUBLIC_URL}{acs}",
    }


def social_app(provider: Provider) -> SocialApp:
    """The unsaved allauth SocialApp for a SAML provider row."""
    idp = provider.discovery
    app = SocialApp(
        provider=SAMLProvider.id,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.slug,
        settings={
            "idp": {
                "entity_id": idp.get("entity_id", ""),
                "sso_url": idp.get("sso_url", ""),
                "x509cert": idp.get("x509cert", ""),
            },
            "sp": {"entity_id": sp_urls(provider)["entity_id"]},
            "attribute_mapping": {},  # Parley reads the attributes itself (claims_from_saml)
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "want_attribute_statement": False,  # some IdPs send only the NameID
                "reject_deprecated_algorithm": True,  # no SHA-1
                "reject_idp_initiated_sso": True,
            },
        },
    )
    app.parley_provider = provider
    # allauth's SAML views ask the app for its provider: Parley's, not allauth's registry's.
    app.get_provider = lambda request=None: ParleySAMLProvider(request, app=app)
    return app


class ParleySAMLProvider(SAMLProvider):
    def unstash_redirect_state(self, request, state_id):
        """The sign-in this session started with the request id the response answers;
        Parley's error page when there is none (unknown, used, expired, other browser)."""
        state = statekit.unstash_state(request, provider_id=self.sub_id, state_id=state_id)
        if state is None:
            error = BadState(
                f"InResponseTo {state_id[:60]!r} names no SAML request this browser's session "
                "started (unknown, used, expired or from another browser)"
            )
            raise ImmediateHttpResponse(refuse(request, error, provider=self.app.parley_provider))
        return state

    def sociallogin_from_response(self, request, response):
        provider = self.app.parley_provider
        try:
            claims = claims_from_saml(
                provider=provider,
                attributes=response.get_attributes(),
                name_id=response.get_nameid(),
                name_id_format=response.get_nameid_format(),
            )
        except AuthError as error:
            raise ImmediateHttpResponse(refuse(request, error, provider=provider)) from None
        account = SocialAccount(extra_data={}, uid=claims.subject, provider=self.sub_id)
        login = SocialLogin(account=account, email_addresses=[], provider=self)
        login.parley_claims = claims
        login.parley_assertion = (
            response.get_last_assertion_id(),
            response.get_last_assertion_not_on_or_after(),
        )
        return login


def claims_from_saml(
    *, provider: Provider, attributes: dict, name_id: str | None, name_id_format: str | None
) -> SsoClaims:
    """SsoClaims from a verified assertion's attributes, through the provider's mapping:
    the id attribute (else the NameID), email (else an email-format NameID), name, and the
    groups attribute (all its values)."""
    mapping = provider.attribute_map or {}

    def first(key: str) -> str | None:
        values = attributes.get(mapping.get(key) or "") or []
        return values[0] if values and isinstance(values[0], str) else None

    subject = first("id") if mapping.get("id") else name_id
    if not isinstance(subject, str) or not subject or len(subject) > SUBJECT_MAX_LENGTH:
        where = f"attribute {mapping['id']!r}" if mapping.get("id") else "NameID"
        raise InvalidClaims(f"{where} {shown(subject)} is not a string of 1-{SUBJECT_MAX_LENGTH}")
    email = first("email")
    if not email and name_id_format == EMAIL_NAME_ID:
        email = name_id
    raw = {
        key: values[0] if len(values) == 1 else list(values) for key, values in attributes.items()
    }
    if provider.groups_claim in attributes:
        raw[provider.groups_claim] = list(attributes[provider.groups_claim])
    verified = (first("email_verified") or "").strip().lower() in ("true", "1")
    return SsoClaims(
        subject=subject,
        email=email.strip() if email and email.strip() else None,
        email_verified=verified,
        name=first("name") or "",
        raw=raw,
    )


def use_assertion(*, provider: Provider, assertion_id: str | None, not_on_or_after) -> None:
    """Remember the assertion until it expires; SamlReplayed if it was used already."""
    if not assertion_id:
        raise SamlReplayed("the assertion has no ID, so a replay could not be told apart")
    now = datetime.now(UTC)
    expires = (
        datetime.fromtimestamp(not_on_or_after, UTC) if not_on_or_after else now + REPLAY_WINDOW
    ) + timedelta(seconds=OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT)
    SamlAssertion.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SamlAssertion.objects.create(
                provider=provider, assertion_id=assertion_id[:255], expires_at=expires
            )
    except IntegrityError:
        raise SamlReplayed(f"assertion {assertion_id[:80]!r} was already used") from None


def _not_found(view):
    def wrapped(request, organization_slug: str):
        try:
            return view(request, organization_slug=organization_slug)
        except SocialApp.DoesNotExist:
            raise Http404("no such SSO provider") from None

    return never_cache(wrapped)


@_not_found
def _login(request, organization_slug: str):
    return allauth_saml.login(request, organization_slug=organization_slug)


def login(request, organization_slug: str):
    provider = selectors.provider_by_slug(organization_slug)
    try:
        response = _login(request, organization_slug)
    except OneLogin_Saml2_Error as error:  # settings python3-saml refuses (a Host it rejects)
        return refuse(
            request, SsoFailed(f"SAML request not made: {error}"[:500]), provider=provider
        )
    if provider is not None:  # allauth's "continue?" page posts here, then on to the IdP
        allow_form_action(request, authorization_origin(provider))
    return response


acs = _not_found(allauth_saml.acs)
acs.csrf_exempt = True  # the IdP's auto-posted form; the response's signature is its proof
_finish_acs = _not_found(allauth_saml.finish_acs)


def finish_acs(request, organization_slug: str):
    """allauth's ACS finish; XML python3-saml refuses to parse (a DTD, entities, broken
    markup) is Parley's error page too, not a crash."""
    try:
        return _finish_acs(request, organization_slug)
    except (DTDForbidden, EntitiesForbidden, NotSupportedError, etree.LxmlError) as exc:
        provider = selectors.provider_by_slug(organization_slug)
        error = InvalidSamlResponse(f"the SAML response is refused: {exc!r}"[:500])
        return refuse(request, error, provider=provider)


metadata = _not_found(allauth_saml.metadata)


def sls(request, organization_slug: str):
    raise Http404("Parley offers no SAML single logout")
