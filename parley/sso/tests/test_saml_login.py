"""SAML sign-in at Parley's ACS with responses the test builds and signs: a valid one signs
the person in; unsigned, signed by another key, expired, for another audience or recipient,
replayed, answering no request of this browser, or wrapped (XML signature wrapping) are
refused with Parley's error page, a reference, and the exact reason in the audit log."""

import copy
import datetime

import pytest
from django.conf import settings

from parley.accounts.models import CreatedVia, User
from parley.audit.models import AuthEvent, Method
from parley.sso import saml_services
from parley.sso.models import Identity, SamlAssertion
from parley.sso.tests import saml_builder as idp

ACS = "http://parley.test/accounts/saml/acme/acs/"


@pytest.fixture
def client(client, settings):
    # python3-saml reads the Host header (browsers always send it) and wants a dotted name.
    settings.ALLOWED_HOSTS = ["parley.test"]
    client.defaults["HTTP_HOST"] = "parley.test"
    return client


@pytest.fixture
def keys():
    return idp.make_key_and_cert()


@pytest.fixture
def provider(db, keys):
    return saml_services.add_saml_provider(
        fields=saml_services.SamlFields(
            name="Acme",
            metadata_xml=idp.metadata_xml(keys[1]),
            attr_name="displayName",
            groups_claim="groups",
        )
    )


def audience() -> str:
    return f"{settings.PUBLIC_URL}/accounts/saml/acme/metadata/"


def start(client) -> str:
    """Click the button: the request id of the AuthnRequest sent to the IdP."""
    answer = client.post("/accounts/saml/acme/login/", {"process": "login"})
    assert answer.status_code == 302 and answer["Location"].startswith(idp.IDP_SSO_URL)
    return idp.request_id(answer["Location"])


def post(client, saml_response: str):
    """The IdP's auto-posted form at the ACS, then allauth's hop to finish it."""
    first = client.post("/accounts/saml/acme/acs/", {"SAMLResponse": saml_response})
    assert first.status_code == 302
    return client.get(first["Location"])


def signed_response(keys, request_id: str, **overrides) -> str:
    fields = {
        "in_response_to": request_id,
        "audience": audience(),
        "recipient": ACS,
        "attributes": {"email": ["alice@acme.test"], "displayName": ["Alice Smith"]},
        **overrides,
    }
    signed = idp.sign(idp.assertion(**fields), *keys)
    return idp.response(signed, in_response_to=request_id, destination=ACS)


def refused(answer, code: str, detail: str) -> AuthEvent:
    assert answer.status_code in (400, 401, 403, 409), answer.status_code
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert (event.outcome, event.reason) == ("failure", code), event.detail
    assert detail in event.detail, event.detail
    assert event.reference in answer.content.decode()
    assert not User.objects.exists()
    return event


def test_a_signed_response_signs_the_person_in_with_name_email_and_groups(client, provider, keys):
    request_id = start(client)
    attributes = {
        "email": ["alice@acme.test"],
        "displayName": ["Alice Smith"],
        "groups": ["staff", "research"],
    }
    answer = post(client, signed_response(keys, request_id, attributes=attributes))
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = User.objects.get()
    assert (user.email, user.name, user.created_via) == (
        "alice@acme.test",
        "Alice Smith",
        CreatedVia.SSO,
    )
    assert Identity.objects.get(user=user).subject == "alice"
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert (event.outcome, event.public_user_id) == ("success", user.public_id)
    assert SamlAssertion.objects.count() == 1
    assert client.get("/").status_code == 200


def test_an_unsigned_assertion_is_refused(client, provider, keys):
    request_id = start(client)
    bare = idp.unsigned(
        idp.assertion(in_response_to=request_id, audience=audience(), recipient=ACS)
    )
    answer = post(client, idp.response(bare, in_response_to=request_id, destination=ACS))
    refused(answer, "sso_invalid_saml_response", "not signed")


def test_an_assertion_signed_by_another_key_is_refused(client, provider):
    request_id = start(client)
    other = idp.make_key_and_cert("Attacker")
    answer = post(client, signed_response(other, request_id))
    refused(answer, "sso_invalid_saml_response", "Signature validation failed")


def test_an_expired_assertion_is_refused(client, provider, keys):
    request_id = start(client)
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    answer = post(client, signed_response(keys, request_id, issued=an_hour_ago))
    refused(answer, "sso_invalid_saml_response", "expired")


def test_an_assertion_not_yet_valid_is_refused(client, provider, keys):
    request_id = start(client)
    in_an_hour = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    answer = post(client, signed_response(keys, request_id, issued=in_an_hour))
    refused(answer, "sso_invalid_saml_response", "not yet valid")


def test_an_idp_initiated_response_is_refused(client, provider, keys):
    start(client)
    fields = {"audience": audience(), "recipient": ACS, "in_response_to": None}
    signed = idp.sign(idp.assertion(**fields), *keys)
    answer = post(client, idp.response(signed, in_response_to=None, destination=ACS))
    refused(answer, "sso_bad_state", "IdP-initiated sign-in is off")


def test_an_assertion_for_another_audience_is_refused(client, provider, keys):
    request_id = start(client)
    answer = post(client, signed_response(keys, request_id, audience="https://other.example/sp"))
    refused(answer, "sso_invalid_saml_response", "audience")


def test_an_assertion_for_another_recipient_is_refused(client, provider, keys):
    request_id = start(client)
    answer = post(client, signed_response(keys, request_id, recipient="https://other.example/acs/"))
    refused(answer, "sso_invalid_saml_response", "SubjectConfirmation")


def test_a_response_to_a_request_this_browser_did_not_start_is_refused(client, provider, keys):
    start(client)
    answer = post(client, signed_response(keys, "_not-our-request"))
    refused(answer, "sso_bad_state", "_not-our-request")


def test_a_replayed_assertion_is_refused(client, provider, keys):
    first_request = start(client)
    captured = signed_response(keys, first_request, assertion_id="_the-one-assertion")
    assert post(client, captured).status_code == 302
    client.logout()
    User.objects.all().delete()
    # The same response again: its request was answered already.
    refused(post(client, captured), "sso_bad_state", first_request)
    # The same assertion in an answer to a fresh request of this browser.
    AuthEvent.objects.all().delete()
    second_request = start(client)
    again = signed_response(keys, second_request, assertion_id="_the-one-assertion")
    refused(post(client, again), "sso_saml_replayed", "_the-one-assertion")


def wrapped_responses(keys, request_id: str):
    """The IdP's signed assertion for alice, kept intact, beside or inside an unsigned one
    for mallory that a naive parser would read."""
    signed = idp.sign(
        idp.assertion(in_response_to=request_id, audience=audience(), recipient=ACS),
        *keys,
    )
    evil = idp.unsigned(
        idp.assertion(
            in_response_to=request_id,
            audience=audience(),
            recipient=ACS,
            subject="mallory",
            attributes={"email": ["mallory@evil.test"]},
        )
    )
    # The evil one first, the signed one after it.
    yield idp.response(
        copy.deepcopy(evil), copy.deepcopy(signed), in_response_to=request_id, destination=ACS
    )
    # The signed one moved into the response's Extensions, the evil one the only assertion.
    yield idp.response(
        copy.deepcopy(evil),
        in_response_to=request_id,
        destination=ACS,
        extensions=copy.deepcopy(signed),
    )
    # The signed one nested inside the evil one, which takes the signed one's ID.
    outer = copy.deepcopy(evil)
    outer.set("ID", signed.get("ID"))
    inner = copy.deepcopy(signed)
    inner.set("ID", "_original")
    outer.find(f"{{{idp.SAML}}}Subject").append(inner)
    yield idp.response(outer, in_response_to=request_id, destination=ACS)

    # The signed one with its subject swapped for mallory's, the signature kept.
    tampered = copy.deepcopy(signed)
    tampered.find(f"{{{idp.SAML}}}Subject/{{{idp.SAML}}}NameID").text = "mallory"
    yield idp.response(tampered, in_response_to=request_id, destination=ACS)


@pytest.mark.parametrize(
    ("variant", "why"),
    [
        (0, "must contain 1 assertion"),
        (1, "must contain 1 assertion"),
        (2, "must contain 1 assertion"),
        (3, "Signature validation failed"),
    ],
    ids=["sibling", "extensions", "nested", "tampered"],
)
def test_a_wrapped_or_tampered_assertion_is_refused(client, provider, keys, variant, why):
    request_id = start(client)
    wrapped = list(wrapped_responses(keys, request_id))[variant]
    refused(post(client, wrapped), "sso_invalid_saml_response", why)
    assert not Identity.objects.exists()


def test_a_malformed_or_oversized_response_is_refused(client, provider):
    start(client)
    refused(post(client, "not base64 at all!"), "sso_invalid_saml_response", "Invalid response")
    # Larger than Django's request body limit (2.5 MB): refused before any XML is parsed.
    huge = idp.base64.b64encode(b"<samlp:Response>" + b"<a/>" * 700_000).decode()
    answer = client.post("/accounts/saml/acme/acs/", {"SAMLResponse": huge})
    assert answer.status_code == 400 and not User.objects.exists()


def test_a_response_with_a_dtd_or_entities_is_refused(client, provider):
    request_id = start(client)
    xml = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<samlp:Response xmlns:samlp="{idp.SAMLP}" ID="_r" Version="2.0" '
        f'IssueInstant="2026-01-01T00:00:00Z" InResponseTo="{request_id}">&x;</samlp:Response>'
    )
    answer = post(client, idp.base64.b64encode(xml.encode()).decode())
    refused(answer, "sso_invalid_saml_response", "refused")
    assert "root:" not in AuthEvent.objects.first().detail


def test_a_verified_saml_sign_in_still_obeys_the_allowed_domains(client, provider, keys):
    provider.allowed_domains = ["corp.test"]
    provider.save()
    request_id = start(client)
    answer = post(client, signed_response(keys, request_id))
    refused(answer, "sso_domain_not_allowed", "alice@acme.test")
    assert SamlAssertion.objects.filter(provider=provider).count() == 1  # used up all the same
