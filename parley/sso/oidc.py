"""allauth's openid_connect provider, fed from Parley's Provider rows and tightened: a nonce
in every request, the discovery document validated on save instead of fetched at each
login, and the id_token always verified (id_token.py). State and PKCE are allauth's own."""

import secrets

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404
from django.views.decorators.cache import never_cache

from parley.errors import AuthError
from parley.web.security_headers import allow_form_action

from . import selectors, services
from .errors import InvalidIdToken
from .id_token import verify_id_token
from .models import Provider

NONCE = "parley_nonce"


class RefusedByParley(OAuth2Error):
    """Carries a Parley AuthError through allauth's callback view, which turns OAuth2Error
    into on_authentication_error (the adapter renders the Parley error)."""

    def __init__(self, error: AuthError):
        super().__init__(error.reason)
        self.error = error


def social_app(provider: Provider) -> SocialApp:
    """The unsaved allauth SocialApp for a provider row (allauth never stores one)."""
    app = SocialApp(
        provider="openid_connect",
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=services.client_secret(provider) or "",
        settings={
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "scope": list(provider.scopes),
            "fetch_userinfo": bool(provider.discovery.get("userinfo_endpoint")),
        },
    )
    app.parley_provider = provider
    return app


class ParleyOIDCAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self):
        # The document validated when the provider was saved or tested: no fetch at login.
        return dict(self.get_provider().app.parley_provider.discovery)

    def complete_login(self, request, app, token, **kwargs):
        provider = app.parley_provider
        try:
            claims = verify_id_token(
                kwargs["response"].get("id_token"),
                discovery=provider.discovery,
                client_id=provider.client_id,
                allow_private_network=provider.allow_private_network,
            )
            data = {"id_token": claims}
            if app.settings.get("fetch_userinfo"):
                # allauth's own userinfo call (private; allauth is pinned below 66 and the
                # browser tests against oidc-provider fail if it changes).
                userinfo = self._fetch_user_info(token.token)
                if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
                    raise InvalidIdToken("userinfo is not about the id_token's sub")
                # The id_token's own claims win: iss, aud, nonce were checked on it.
                data["userinfo"] = {**userinfo, **claims}
        except AuthError as error:
            raise RefusedByParley(error) from None
        return self.get_provider().sociallogin_from_response(request, data)


class ParleyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = ParleyOIDCAdapter

    def get_auth_params_from_request(self, request, action):
        return self._with_nonce(super().get_auth_params_from_request(request, action))

    def get_auth_params(self):
        return self._with_nonce(super().get_auth_params())

    def _with_nonce(self, params: dict) -> dict:
        self._nonce = getattr(self, "_nonce", None) or secrets.token_urlsafe(32)
        return {**params, "nonce": self._nonce}

    def stash_redirect_state(self, request, process, next_url=None, data=None, **kwargs):
        # The nonce sent in the authorization request, kept in allauth's state (this
        # browser's session, used once) and compared with the id_token's on return.
        kwargs[NONCE] = getattr(self, "_nonce", None)
        return super().stash_redirect_state(request, process, next_url, data, **kwargs)


def _adapter(request, provider_id: str) -> ParleyOIDCAdapter:
    return ParleyOIDCAdapter(request, provider_id)


@never_cache
def login(request, provider_id: str):
    try:
        response = OAuth2LoginView.adapter_view(_adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404("no such SSO provider") from None
    provider = selectors.provider_by_slug(provider_id)
    if provider is not None:  # allauth's "continue?" page posts here, then on to the provider
        allow_form_action(request, services.authorization_origin(provider))
    return response


@never_cache
def callback(request, provider_id: str):
    try:
        return OAuth2CallbackView.adapter_view(_adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404("no such SSO provider") from None
