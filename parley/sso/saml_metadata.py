"""A SAML identity provider's metadata, fetched (parley/outbound.py's rules: https, no
private addresses unless the admin allows them) or pasted, and read with python3-saml's
parser into what Parley keeps: the IdP's entity id, its sign-in URL (HTTP-Redirect binding)
and its signing certificate."""

from cryptography import x509
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from . import fetching
from .errors import SamlMetadataInvalid

MAX_BYTES = 512 * 1024
TIMEOUT_SECONDS = 5


def clean_metadata_url(url: str) -> str:
    url = (url or "").strip()
    _require_url_allowed(url, what="metadata URL")
    return url


def fetch_metadata(*, url: str, allow_private_network: bool) -> str:
    """The metadata XML at `url`; SamlMetadataInvalid saying why not."""
    url = clean_metadata_url(url)
    body = fetching.fetch(
        url,
        what="metadata",
        allow_private_network=allow_private_network,
        timeout=TIMEOUT_SECONDS,
        max_bytes=MAX_BYTES,
        accept="application/samlmetadata+xml, application/xml, text/xml",
        failed=_failed,
    )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _failed(f"metadata at {url[:200]} is not UTF-8 text") from None


def read_metadata(xml: str) -> dict:
    """What Parley keeps from an IdP's metadata XML: {"entity_id", "sso_url", "x509cert"}.
    Raises SamlMetadataInvalid with the exact reason."""
    if not isinstance(xml, str) or not xml.strip():
        raise _failed("the metadata XML is empty", "Paste the IdP's metadata XML or its URL.")
    if len(xml.encode()) > MAX_BYTES:
        raise _failed(f"the metadata XML is larger than {MAX_BYTES} bytes")
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml).get("idp") or {}
    except Exception as exc:  # noqa: BLE001 - lxml and the parser raise many kinds
        raise _failed(f"the metadata is not valid SAML metadata XML: {exc}"[:300]) from None
    entity_id = parsed.get("entityId")
    sso_url = (parsed.get("singleSignOnService") or {}).get("url")
    certs = list(((parsed.get("x509certMulti") or {}).get("signing")) or [])
    if parsed.get("x509cert"):
        certs.insert(0, parsed["x509cert"])
    if not entity_id:
        raise _failed("the metadata names no IdP entityID (IDPSSODescriptor)")
    if not sso_url:
        raise _failed("the metadata has no SingleSignOnService with the HTTP-Redirect binding")
    if not certs:
        raise _failed("the metadata has no signing certificate (KeyDescriptor use=signing)")
    # Only the browser goes there (Parley's server never does): https is all it must be.
    _require_url_allowed(sso_url, what="SingleSignOnService URL")
    cert = "".join(certs[0].split())
    _require_certificate(cert)
    return {"entity_id": entity_id[:1024], "sso_url": sso_url, "x509cert": cert}


def _require_certificate(cert: str) -> None:
    pem = "-----BEGIN CERTIFICATE-----\n" + cert + "\n-----END CERTIFICATE-----\n"
    try:
        x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise _failed(f"the metadata's signing certificate cannot be read: {exc}"[:300]) from None


def _require_url_allowed(url: str, *, what: str) -> None:
    fetching.require_url_allowed(url, what=what, failed=_failed)


def _failed(reason: str, user_message: str | None = None) -> SamlMetadataInvalid:
    reason = " ".join(reason.split())  # lxml's messages may span lines; the CLI prints one
    return SamlMetadataInvalid(reason, user_message=user_message or reason)
