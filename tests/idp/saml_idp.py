"""A real SAML 2.0 identity provider for Parley's SSO tests: pysaml2's IdP (signing with
Debian's xmlsec1) behind a small login page, run as a subprocess by
parley/sso/tests/saml_idp.py.

    python saml_idp.py PORT KEY_FILE CERT_FILE SP_METADATA_FILE ACCOUNTS_FILE

Serves /metadata (its own), /sso (HTTP-Redirect AuthnRequests: shows the login form) and
/login (the form's POST: a signed assertion auto-posted to the SP's ACS). ACCOUNTS_FILE is
JSON, re-read at each login: {"alice": {"mail": [...], "displayName": [...], ...}}.
"""

import html
import json
import sys
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PORT, KEY, CERT, SP_METADATA, ACCOUNTS = sys.argv[1:6]
BASE = f"http://127.0.0.1:{PORT}"

config = IdPConfig()
config.load(
    {
        "entityid": f"{BASE}/metadata",
        "key_file": KEY,
        "cert_file": CERT,
        "service": {
            "idp": {
                "name": "Parley test IdP",
                "endpoints": {"single_sign_on_service": [(f"{BASE}/sso", BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 5},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
                "want_authn_requests_signed": False,
            }
        },
        "metadata": {"local": [SP_METADATA]},
        "xmlsec_binary": "/usr/bin/xmlsec1",
    }
)
idp = Server(config=config)


def page(body: str) -> bytes:
    head = "<!doctype html><html><head><title>Test IdP</title></head>"
    return f"{head}<body>{body}</body></html>".encode()


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/metadata":
        start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
        return [create_metadata_string(None, config=config, sign=False)]
    if path == "/sso":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        request, relay = query["SAMLRequest"][0], query.get("RelayState", [""])[0]
        idp.parse_authn_request(request, BINDING_HTTP_REDIRECT)  # refuse a broken request here
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [
            page(
                '<h1>Test IdP sign-in</h1><form method="post" action="/login">'
                f'<input type="hidden" name="SAMLRequest" value="{html.escape(request)}">'
                f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
                '<label>Username <input name="username"></label>'
                '<button type="submit">Sign in</button></form>'
            )
        ]
    if path == "/login":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(size).decode())
        username = form["username"][0]
        with open(ACCOUNTS) as file:
            identity = json.load(file)[username]
        request = idp.parse_authn_request(form["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
        answer = idp.create_authn_response(
            identity,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=username),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=True,
            sign_response=False,
            sign_alg=SIG_RSA_SHA256,  # pysaml2's default is SHA-1, which Parley refuses
            digest_alg=DIGEST_SHA256,
        )
        http = idp.apply_binding(
            BINDING_HTTP_POST,
            str(answer),
            request.assertion_consumer_service_url,
            form.get("RelayState", [""])[0],
            response=True,
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [http["data"].encode() if isinstance(http["data"], str) else http["data"]]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    make_server("127.0.0.1", int(PORT), app, handler_class=QuietHandler).serve_forever()
