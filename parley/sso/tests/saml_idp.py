"""A real SAML identity provider for the browser tests: pysaml2's IdP (tests/idp/saml_idp.py)
in a subprocess, with a key and certificate made here and Parley's SP registered. It signs
with Debian's xmlsec1 (scripts/test installs it when missing)."""

import shutil
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from parley.sso.tests import saml_builder
from parley.sso.tests.idp import IdpProcess, wait_until_up
from parley.tests.serving import free_port

IDP_SCRIPT = Path(__file__).resolve().parents[3] / "tests" / "idp" / "saml_idp.py"
# The attribute names pysaml2 gives `mail`, `displayName` and `isMemberOf` (URI name format).
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
GROUPS = "urn:oid:1.3.6.1.4.1.5923.1.5.1.1"


def sp_metadata(*, entity_id: str, acs_url: str) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService index="1" Location="{acs_url}"
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"""


class SamlIdp(IdpProcess):
    """One running IdP; `set_accounts` says who can sign in (username → attributes by their
    friendly name: mail, displayName, isMemberOf)."""

    def __init__(self, tmp_path: Path, *, sp_entity_id: str, acs_url: str):
        if shutil.which("xmlsec1") is None:
            raise RuntimeError("the SAML IdP needs Debian's xmlsec1 (apt-get install xmlsec1)")
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.metadata_url = f"{self.origin}/metadata"
        folder = tmp_path / f"saml-idp-{self.port}"
        folder.mkdir()
        key, cert = saml_builder.make_key_and_cert("Parley test SAML IdP")
        key_file, cert_file = folder / "key.pem", folder / "cert.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        sp_file = folder / "sp.xml"
        sp_file.write_text(sp_metadata(entity_id=sp_entity_id, acs_url=acs_url))
        self.accounts_file = folder / "accounts.json"
        self.set_accounts({})
        self.log = (folder / "idp.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, str(IDP_SCRIPT), str(self.port), str(key_file), str(cert_file),
             str(sp_file), str(self.accounts_file)],
            cwd=folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        wait_until_up(self, self.metadata_url, "the SAML IdP")
