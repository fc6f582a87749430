"""SAML responses built and signed by the tests themselves (signxml, a key and certificate
made with `cryptography`), so each check of Parley's ACS can be aimed at: unsigned, another
key, expired, wrong audience or recipient, replayed, wrapped."""

import base64
import datetime
import uuid
import zlib
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConstructionMethod, XMLSigner

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
IDP_ENTITY_ID = "https://idp.test/saml"
IDP_SSO_URL = "https://idp.test/saml/sso"


def make_key_and_cert(common_name: str = "Test IdP"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def cert_base64(cert) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def metadata_xml(cert, *, entity_id=IDP_ENTITY_ID, sso_url=IDP_SSO_URL) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{cert_base64(cert)}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{sso_url}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def request_id(redirect_url: str) -> str:
    """The ID of the AuthnRequest in an HTTP-Redirect binding URL."""
    encoded = parse_qs(urlsplit(redirect_url).query)["SAMLRequest"][0]
    xml = zlib.decompress(base64.b64decode(encoded), -15)
    return etree.fromstring(xml).get("ID")


def _in_response_to(request_id: str | None) -> str:
    """The attribute, or nothing for an IdP-initiated answer."""
    return f'InResponseTo="{request_id}"' if request_id else ""


def _instant(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def assertion(
    *,
    in_response_to: str,
    audience: str,
    recipient: str,
    subject: str = "alice",
    attributes: dict | None = None,
    assertion_id: str | None = None,
    lifetime: datetime.timedelta = datetime.timedelta(minutes=5),
    issued: datetime.datetime | None = None,
):
    now = issued or datetime.datetime.now(datetime.UTC)
    until = _instant(now + lifetime)
    values = attributes if attributes is not None else {"email": ["alice@acme.test"]}
    attrs = "".join(
        f'<saml:Attribute Name="{name}">'
        + "".join(f"<saml:AttributeValue>{v}</saml:AttributeValue>" for v in vals)
        + "</saml:Attribute>"
        for name, vals in values.items()
    )
    xml = f"""<saml:Assertion xmlns:saml="{SAML}" ID="{assertion_id or "_a" + uuid.uuid4().hex}"
    Version="2.0" IssueInstant="{_instant(now)}">
  <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"></ds:Signature>
  <saml:Subject>
    <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
        >{subject}</saml:NameID>
    <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
      <saml:SubjectConfirmationData {_in_response_to(in_response_to)} NotOnOrAfter="{until}"
          Recipient="{recipient}"/>
    </saml:SubjectConfirmation>
  </saml:Subject>
  <saml:Conditions NotBefore="{_instant(now - datetime.timedelta(seconds=30))}"
      NotOnOrAfter="{until}">
    <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
  </saml:Conditions>
  <saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_s1">
    <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext>
  </saml:AuthnStatement>
  <saml:AttributeStatement>{attrs}</saml:AttributeStatement>
</saml:Assertion>"""
    return etree.fromstring(xml)


def sign(element, key, cert):
    """The element with an enveloped RSA-SHA256 signature over its ID, where the
    placeholder is (after the Issuer, as the schema wants)."""
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )
    return signer.sign(
        element,
        key=key,
        cert=[cert],
        reference_uri=f"#{element.get('ID')}",
        id_attribute="ID",
    )


def unsigned(element):
    for placeholder in element.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        element.remove(placeholder)
    return element


def response(*assertions, in_response_to: str, destination: str, extensions=None) -> str:
    """The base64 SAMLResponse holding `assertions` (lxml elements) in this order."""
    now = _instant(datetime.datetime.now(datetime.UTC))
    root = etree.fromstring(
        f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r{uuid.uuid4().hex}"
    Version="2.0" IssueInstant="{now}" Destination="{destination}"
    {_in_response_to(in_response_to)}>
  <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
  <samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </samlp:Status>
</samlp:Response>"""
    )
    if extensions is not None:
        holder = etree.Element(f"{{{SAMLP}}}Extensions")
        holder.append(extensions)
        root.insert(1, holder)
    for element in assertions:
        root.append(element)
    return base64.b64encode(etree.tostring(root)).decode()
