"""Setting up a SAML provider: the IdP metadata from a URL (fetched under the outbound rules
of OIDC discovery) or pasted XML, refused with a clear reason when unusable; Parley's SP
metadata per provider for the IdP; the Test fetching the metadata again."""

import re

import pytest
from lxml import etree

from parley.errors import ValidationFailed
from parley.external_auth.tests.conftest import KeyServer
from parley.sso import saml_services, services
from parley.sso.errors import SamlMetadataInvalid
from parley.sso.models import Kind
from parley.sso.tests import saml_builder as idp


@pytest.fixture
def cert():
    return idp.make_key_and_cert()[1]


@pytest.fixture
def metadata_server(settings, cert):
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    server = KeyServer()
    server.bodies["/metadata"] = idp.metadata_xml(cert).encode()
    yield server
    server.httpd.shutdown()


def fields(**overrides) -> saml_services.SamlFields:
    return saml_services.SamlFields(**{"name": "Acme", **overrides})


def test_metadata_pasted_as_xml_gives_the_idp_entity_id_sign_in_url_and_certificate(db, cert):
    provider = saml_services.add_saml_provider(fields=fields(metadata_xml=idp.metadata_xml(cert)))
    assert provider.kind == Kind.SAML and provider.issuer == idp.IDP_ENTITY_ID
    assert provider.discovery == {
        "entity_id": idp.IDP_ENTITY_ID,
        "sso_url": idp.IDP_SSO_URL,
        "x509cert": idp.cert_base64(cert),
    }
    assert provider.attribute_map == {
        "id": "",
        "email": "email",
        "name": "name",
        "email_verified": "",
    }
    assert services.redirect_uri(provider).endswith("/accounts/saml/acme/acs/")


def test_metadata_from_a_url_on_a_private_address_needs_the_admins_permission(db, metadata_server):
    url = f"{metadata_server.origin}/metadata"
    with pytest.raises(SamlMetadataInvalid, match="loopback"):
        saml_services.add_saml_provider(fields=fields(metadata_url=url))
    provider = saml_services.add_saml_provider(
        fields=fields(metadata_url=url, allow_private_network=True)
    )
    assert provider.metadata_url == url and provider.issuer == idp.IDP_ENTITY_ID


def test_a_plain_http_metadata_url_is_refused(db, settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(SamlMetadataInvalid, match="plain http"):
        saml_services.add_saml_provider(fields=fields(metadata_url="http://idp.example/md"))


@pytest.mark.parametrize(
    ("xml", "why"),
    [
        ("<not xml", "not valid SAML metadata"),
        ("<!DOCTYPE x [<!ENTITY e 'boom'>]><x>&e;</x>", "not valid SAML metadata"),
        ("<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata'/>", "entityID"),
        ("x" * (600 * 1024), "larger than"),
    ],
    ids=["malformed", "entities", "no-idp", "oversized"],
)
def test_unusable_metadata_is_refused_saying_why(db, xml, why):
    with pytest.raises(SamlMetadataInvalid, match=why):
        saml_services.add_saml_provider(fields=fields(metadata_xml=xml))


def test_metadata_without_a_signing_certificate_or_with_an_http_sign_in_url_is_refused(db, cert):
    no_cert = re.sub(
        r"<md:KeyDescriptor.*</md:KeyDescriptor>", "", idp.metadata_xml(cert), flags=re.S
    )
    with pytest.raises(SamlMetadataInvalid, match="signing certificate"):
        saml_services.add_saml_provider(fields=fields(metadata_xml=no_cert))
    http = idp.metadata_xml(cert, sso_url="http://idp.example/sso")
    with pytest.raises(SamlMetadataInvalid, match="SingleSignOnService URL"):
        saml_services.add_saml_provider(fields=fields(metadata_xml=http))


def test_neither_or_both_of_metadata_url_and_xml_are_refused(db, cert):
    with pytest.raises(ValidationFailed, match="neither"):
        saml_services.add_saml_provider(fields=fields())
    with pytest.raises(ValidationFailed, match="both"):
        saml_services.add_saml_provider(
            fields=fields(metadata_xml=idp.metadata_xml(cert), metadata_url="https://x.example/")
        )


def test_the_sp_metadata_names_parleys_entity_id_and_acs_url(db, client, cert, settings):
    settings.ALLOWED_HOSTS = ["parley.test"]
    saml_services.add_saml_provider(fields=fields(metadata_xml=idp.metadata_xml(cert)))
    answer = client.get("/accounts/saml/acme/metadata/", HTTP_HOST="parley.test")
    assert answer.status_code == 200
    root = etree.fromstring(answer.content)
    assert root.get("entityID") == f"{settings.PUBLIC_URL}/accounts/saml/acme/metadata/"
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    acs = root.find(f"{md}SPSSODescriptor/{md}AssertionConsumerService")
    assert acs.get("Location") == "http://parley.test/accounts/saml/acme/acs/"
    assert root.find(f"{md}SPSSODescriptor").get("WantAssertionsSigned") == "true"
    assert client.get("/accounts/saml/nobody/metadata/", HTTP_HOST="parley.test").status_code == 404


def test_the_test_fetches_the_metadata_again_and_says_what_failed(db, metadata_server):
    url = f"{metadata_server.origin}/metadata"
    provider = saml_services.add_saml_provider(
        fields=fields(metadata_url=url, allow_private_network=True)
    )
    assert services.check_provider(provider=provider).ok
    metadata_server.bodies["/metadata"] = b"<broken"
    result = services.check_provider(provider=provider)
    assert not result.ok and "not valid SAML metadata" in result.lines[-1]
