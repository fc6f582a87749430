"""The sign-in request Parley sends a provider: Authorization Code with PKCE (S256), a state
and a nonce kept in this browser's session; the login page lets its buttons reach the
provider (CSP form-action); a disabled provider has no button and no route."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from parley.audit.models import AuthEvent
from parley.sso import services
from parley.sso.models import Provider

from .conftest import CLIENT_ID

LOGIN = "/accounts/oidc/acme/login/"
CALLBACK = "/accounts/oidc/acme/login/callback/"


@pytest.fixture
def provider(db, issuer):
    return services.add_oidc_provider(
        fields=services.OidcFields(
            name="Acme",
            issuer=issuer.origin,
            client_id=CLIENT_ID,
            client_secret="s3cret",
            allow_private_network=True,
        )
    )


def start(client) -> dict:
    response = client.post(LOGIN, {"process": "login"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    return {"endpoint": f"{location.scheme}://{location.netloc}{location.path}"} | {
        key: values[0] for key, values in parse_qs(location.query).items()
    }


def test_the_request_uses_the_code_flow_with_pkce_a_state_and_a_nonce(provider, issuer):
    client = Client()
    params = start(client)
    assert params["endpoint"] == f"{issuer.origin}/auth"
    assert (params["response_type"], params["client_id"]) == ("code", CLIENT_ID)
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert set(params["scope"].split()) == {"openid", "profile", "email"}
    assert params["redirect_uri"].endswith(CALLBACK)
    [(state_id, (state, *_))] = client.session["socialaccount_states"].items()
    assert params["state"] == state_id
    assert params["nonce"] == state["parley_nonce"] and len(params["nonce"]) >= 32
    assert "pkce_code_verifier" in state
    second = start(client)
    assert (second["state"], second["nonce"]) != (params["state"], params["nonce"])


def test_a_state_from_another_browser_is_refused(provider):
    params = start(Client())
    response = Client().get(CALLBACK, {"code": "x", "state": params["state"]})
    assert response.status_code == 400
    assert AuthEvent.objects.get().reason == "sso_bad_state"


def test_a_cancel_at_the_provider_is_audited_as_such(provider):
    client = Client()
    params = start(client)
    response = client.get(CALLBACK, {"error": "access_denied", "state": params["state"]})
    assert response.status_code == 401
    assert "cancelled" in response.content.decode()
    assert AuthEvent.objects.get().reason == "sso_cancelled"


def test_another_provider_error_is_audited_with_what_the_provider_said(provider):
    client = Client()
    params = start(client)
    client.get(
        CALLBACK,
        {"error": "server_error", "error_description": "db down", "state": params["state"]},
    )
    event = AuthEvent.objects.get()
    assert event.reason == "sso_failed" and "server_error" in event.detail


def test_the_login_page_lets_the_buttons_reach_each_provider_and_no_other(provider, issuer):
    response = Client().get("/accounts/login/")
    form_action = next(
        part for part in response["Content-Security-Policy"].split(";") if "form-action" in part
    )
    assert form_action.split() == ["form-action", "'self'", issuer.origin]
    assert "Sign in with Acme" in response.content.decode()


def test_a_disabled_provider_has_no_button_and_no_route(provider):
    services.set_enabled(provider=Provider.objects.get(), enabled=False)
    assert "Sign in with Acme" not in Client().get("/accounts/login/").content.decode()
    assert Client().post(LOGIN).status_code == 404


@pytest.mark.parametrize(
    "path", ["/accounts/3rdparty/", "/accounts/social/signup/", "/accounts/social/login/error/"]
)
def test_allauths_own_social_account_pages_are_not_offered(db, path):
    assert Client().get(path).status_code == 404
