"""Admin → Single sign-on → Add SAML provider through HTTP: an owner pastes the IdP's
metadata and names the attributes; the provider's page shows Parley's SP metadata URL, ACS
URL and entity ID to give the IdP; unusable metadata says why and saves nothing; an admin
who is not an owner cannot add one."""

from django.urls import reverse

from parley.accounts.models import Role
from parley.sso.models import Kind, Provider
from parley.sso.tests import saml_builder as idp


def form(**changes):
    return {
        "name": "Acme SAML",
        "metadata_url": "",
        "metadata_xml": idp.metadata_xml(idp.make_key_and_cert()[1]),
        "attr_id": "",
        "attr_email": "mail",
        "attr_name": "displayName",
        "attr_email_verified": "",
        "domains": "acme.test",
        "groups_claim": "http://schemas.xmlsoap.org/claims/Group",
        "groups_mode": "sync",
        "unknown_groups": "ignore",
        **changes,
    }


def test_an_owner_adds_a_saml_provider_and_sees_what_to_give_the_idp(client_as, settings):
    client = client_as(Role.OWNER)
    listing = client.get(reverse("adminpanel:sso")).content.decode()
    assert reverse("adminpanel:sso_add_saml") in listing
    response = client.post(reverse("adminpanel:sso_add_saml"), form())
    assert response.status_code == 302
    provider = Provider.objects.get()
    assert (provider.kind, provider.issuer) == (Kind.SAML, idp.IDP_ENTITY_ID)
    assert provider.attribute_map["email"] == "mail"
    assert provider.groups_claim == "http://schemas.xmlsoap.org/claims/Group"
    page = client.get(response["Location"]).content.decode()
    assert f"{settings.PUBLIC_URL}/accounts/saml/acme-saml/metadata/" in page
    assert f"{settings.PUBLIC_URL}/accounts/saml/acme-saml/acs/" in page
    # Saving again without metadata keeps the stored one.
    again = client.post(page_url(provider), form(metadata_xml="", attr_name="cn"))
    assert again.status_code == 302
    provider.refresh_from_db()
    assert provider.issuer == idp.IDP_ENTITY_ID and provider.attribute_map["name"] == "cn"


def page_url(provider):
    return reverse("adminpanel:sso_provider", kwargs={"sso_id": provider.pk})


def test_unusable_metadata_says_why_and_saves_nothing(client_as):
    client = client_as(Role.OWNER)
    response = client.post(reverse("adminpanel:sso_add_saml"), form(metadata_xml="<nope"))
    assert response.status_code == 200
    assert "not valid SAML metadata" in response.content.decode()
    assert not Provider.objects.exists()


def test_an_admin_who_is_not_an_owner_cannot_add_a_saml_provider(client_as):
    client = client_as(Role.ADMIN)
    assert client.post(reverse("adminpanel:sso_add_saml"), form()).status_code == 403
    assert not Provider.objects.exists()
