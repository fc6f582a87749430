"""django-allauth's socialaccount hooks: providers come from Parley's Provider rows, and a
provider's verified answer ends in Parley's own login (login.py), never in allauth's signup,
account linking or error pages."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError as AllauthError
from requests import RequestException

from parley.errors import AuthError

from . import saml, selectors
from .errors import (
    BadState,
    InvalidSamlResponse,
    LoginCancelled,
    ProviderUnreachable,
    SsoFailed,
)
from .id_token import check_nonce
from .login import finish_login, refuse
from .models import Kind
from .oidc import NONCE, ParleyOIDCProvider, RefusedByParley, social_app
from .provisioning import claims_from_oidc


class ParleySocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = []
        for row in selectors.enabled_providers():
            protocol = "saml" if row.kind == Kind.SAML else "openid_connect"
            if provider not in (None, protocol, row.slug):
                continue
            app = saml.social_app(row) if row.kind == Kind.SAML else social_app(row)
            if client_id is not None and app.client_id != client_id:
                continue
            apps.append(app)
        return apps

    def get_app(self, request, provider, client_id=None):
        apps = self.list_apps(request, provider=provider, client_id=client_id)
        if len(apps) != 1:
            raise SocialApp.DoesNotExist(f"no single enabled SSO provider {provider!r}")
        return apps[0]

    def get_provider(self, request, provider, client_id=None):
        app = self.get_app(request, provider=provider, client_id=client_id)
        return (
            app.get_provider(request)
            if app.provider == "saml"
            else ParleyOIDCProvider(request, app=app)
        )

    def pre_social_login(self, request, sociallogin):
        provider = sociallogin.provider.app.parley_provider
        if provider.kind == Kind.SAML:
            raise ImmediateHttpResponse(_finish_saml(request, provider, sociallogin))
        data = sociallogin.account.extra_data
        id_token = data.get("id_token") or {}
        try:
            check_nonce(claims=id_token, expected=(sociallogin.state or {}).get(NONCE))
            claims = claims_from_oidc(data.get("userinfo") or id_token)
        except AuthError as error:
            raise ImmediateHttpResponse(refuse(request, error, provider=provider)) from None
        next_url = (sociallogin.state or {}).get("next")
        raise ImmediateHttpResponse(
            finish_login(request, provider=provider, claims=claims, next_url=next_url)
        )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        row = getattr(getattr(provider, "app", None), "parley_provider", None)
        saml_kind = row is not None and row.kind == Kind.SAML
        problem = _parley_error(request, error, exception, extra_context, saml_kind)
        raise ImmediateHttpResponse(refuse(request, problem, provider=row))

    def is_open_for_signup(self, request, sociallogin):
        return False  # every SSO user is made by provisioning.py, never by allauth's signup


def _finish_saml(request, provider, sociallogin):
    claims = sociallogin.parley_claims
    assertion_id, not_on_or_after = sociallogin.parley_assertion
    try:
        saml.use_assertion(
            provider=provider, assertion_id=assertion_id, not_on_or_after=not_on_or_after
        )
    except AuthError as error:
        return refuse(request, error, provider=provider, subject=claims.subject)
    next_url = (sociallogin.state or {}).get("next")
    return finish_login(request, provider=provider, claims=claims, next_url=next_url)


def _parley_error(request, error, exception, extra_context, saml_kind=False) -> AuthError:
    """The Parley error for what allauth's callback ran into."""
    extra_context = extra_context or {}
    if "saml_errors" in extra_context:
        reason = extra_context.get("saml_last_error_reason") or extra_context["saml_errors"]
        return InvalidSamlResponse(f"the SAML response is refused: {reason}"[:500])
    if saml_kind and error != AllauthError.CANCELLED:
        return BadState(
            "the SAML response answers no sign-in this browser started (no InResponseTo: "
            "IdP-initiated sign-in is off) or reached Parley without its ACS step"
        )
    if isinstance(exception, RefusedByParley):
        return exception.error
    if isinstance(exception, RequestException):
        return ProviderUnreachable(f"{type(exception).__name__}: {exception}"[:500])
    if error == AllauthError.CANCELLED:
        return LoginCancelled(f"the provider answered error={request.GET.get('error', '')[:60]}")
    if exception is None and "state" not in (extra_context or {}):
        state = request.GET.get("state", "")
        return BadState(f"state {state[:40]!r} is unknown, used, or from another session")
    provider_error = request.GET.get("error", "")
    if provider_error:
        described = request.GET.get("error_description", "")[:200]
        return SsoFailed(f"the provider answered error={provider_error[:60]!r} {described!r}")
    return SsoFailed(f"{type(exception).__name__}: {exception}"[:500])
