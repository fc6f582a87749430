"""Admin → User Authentication → Single sign-on through HTTP: an owner adds a provider (its
discovery checked on save), the secret is never shown again, Test shows the redirect URI to
register; a refused issuer says why and saves nothing."""

from django.urls import reverse

from parley.accounts.models import Role
from parley.sso.models import Provider

from .conftest import CLIENT_ID

SECRET = "client-secret-never-shown-again"


def form(issuer_url, **changes):
    return {
        "name": "Acme",
        "button_text": "Sign in with Acme SSO",
        "issuer": issuer_url,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "scopes": "openid profile email groups",
        "domains": "acme.test, Example.ORG",
        "groups_claim": "groups",
        "groups_mode": "sync",
        "unknown_groups": "ignore",
        "allow_private_network": "on",
        **changes,
    }


def test_an_owner_adds_a_provider_and_its_secret_is_never_shown_again(client_as, issuer):
    client = client_as(Role.OWNER)
    response = client.post(reverse("adminpanel:sso_add"), form(issuer.origin))
    assert response.status_code == 302
    provider = Provider.objects.get()
    assert provider.allowed_domains == ["acme.test", "example.org"]
    assert provider.discovery["jwks_uri"] == issuer.url
    page = client.get(reverse("adminpanel:sso_provider", kwargs={"sso_id": provider.pk}))
    assert SECRET not in page.content.decode()
    assert "/accounts/oidc/acme/login/callback/" in page.content.decode()
    listing = client.get(reverse("adminpanel:sso")).content.decode()
    assert "Sign in with Acme SSO" in listing and SECRET not in listing


def test_a_refused_issuer_says_why_and_saves_nothing(client_as, issuer):
    client = client_as(Role.OWNER)
    response = client.post(reverse("adminpanel:sso_add"), form("http://login.example.com"))
    assert response.status_code == 200
    assert "plain http is allowed only for 127.0.0.1 and localhost" in response.content.decode()
    response = client.post(
        reverse("adminpanel:sso_add"), form(issuer.origin, allow_private_network="")
    )
    assert "127.0.0.1, a loopback address" in response.content.decode()
    assert not Provider.objects.exists()


def test_an_admin_tests_a_provider_and_sees_the_redirect_uri_with_a_copy_button(client_as, issuer):
    owner = client_as(Role.OWNER)
    owner.post(reverse("adminpanel:sso_add"), form(issuer.origin))
    provider = Provider.objects.get()
    admin = client_as(Role.ADMIN)
    html = admin.post(reverse("adminpanel:sso_test", kwargs={"sso_id": provider.pk}))
    html = html.content.decode()
    assert "Discovery: OK" in html and "Keys: 1 signing key(s)" in html
    assert 'value="http://127.0.0.1:8000/accounts/oidc/acme/login/callback/"' in html
    assert 'data-copy="sso-redirect-uri"' in html
    issuer.body = b'{"keys": []}'
    issuer.paths.clear()
    from django.core.cache import cache

    cache.clear()
    html = admin.post(reverse("adminpanel:sso_test", kwargs={"sso_id": provider.pk}))
    assert "Failed: no usable signing key" in html.content.decode()


def test_the_owner_switches_are_saved_and_owner_is_never_a_grantable_role(client_as):
    client = client_as(Role.OWNER)
    url = reverse("adminpanel:sso_settings")
    response = client.post(url, {"link_by_email": "on", "roles_allowed": ["member", "owner"]})
    assert response.status_code == 200  # "owner" is not even a choice
    response = client.post(
        url, {"link_by_email": "on", "roles_from_claims": "on", "roles_allowed": ["auditor"]}
    )
    assert response.status_code == 302
    from parley.sso.services import get_sso_settings

    row = get_sso_settings()
    assert (row.link_by_email, row.roles_from_claims, row.roles_allowed) == (
        True,
        True,
        ["auditor"],
    )
