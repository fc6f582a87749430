"""An issuer is checked when an admin saves it: https (http only for a loopback test IdP
when the test setting allows it), no private addresses unless allowed, a discovery document
that is JSON, names this issuer and offers the code flow with public-key signatures."""

import pytest

from parley.sso import discovery
from parley.sso.errors import DiscoveryFailed


def test_a_working_issuer_gives_the_endpoints_parley_uses(issuer):
    found = discovery.discover(issuer=issuer.origin + "/", allow_private_network=True)
    assert found["jwks_uri"] == issuer.url
    assert found["token_endpoint"] == f"{issuer.origin}/token"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://login.example.com", "plain http is not allowed"),
        ("ftp://login.example.com", "the scheme 'ftp' is not allowed"),
        ("https://user:pw@login.example.com", "user name or password"),
        ("https://login.example.com/#x", "#fragment"),
        ("", "it is empty"),
        ("https://login.example.com/" + "a" * 3000, "longer than 2048"),
    ],
)
def test_an_issuer_url_that_is_not_plain_https_is_refused(url, why):
    with pytest.raises(DiscoveryFailed) as refused:
        discovery.clean_issuer(url)
    assert why in refused.value.reason


def test_http_on_loopback_needs_the_test_setting(settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(DiscoveryFailed, match="plain http is not allowed"):
        discovery.clean_issuer("http://127.0.0.1:9000")
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    assert discovery.clean_issuer("http://127.0.0.1:9000/") == "http://127.0.0.1:9000"


def test_an_issuer_on_a_private_or_loopback_address_is_refused_unless_allowed(issuer):
    with pytest.raises(DiscoveryFailed) as refused:
        discovery.discover(issuer=issuer.origin, allow_private_network=False)
    assert "127.0.0.1, a loopback address" in refused.value.reason
    assert issuer.hits == 0
    with pytest.raises(DiscoveryFailed, match="10.1.2.3, a private address"):
        discovery.discover(issuer="https://10.1.2.3", allow_private_network=False)


def test_an_endpoint_on_a_private_address_is_refused_even_when_discovery_is_public(issuer):
    issuer.serve_discovery({**issuer.discovery, "token_endpoint": "https://10.9.9.9/token"})
    # The issuer itself is allowed here (loopback test IdP); the endpoint check is the same
    # rule, so an allowed private network lets it through and a refused one does not.
    found = discovery.discover(issuer=issuer.origin, allow_private_network=True)
    assert found["token_endpoint"] == "https://10.9.9.9/token"
    issuer.serve_discovery({**issuer.discovery, "token_endpoint": "http://10.9.9.9/token"})
    with pytest.raises(DiscoveryFailed, match="plain http is allowed only for"):
        discovery.discover(issuer=issuer.origin, allow_private_network=True)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "is not a JSON object"),
        (b"[1, 2]", "is not a JSON object"),
        (b"{" * 100_000, "is not a JSON object"),
        (b'{"issuer": 1}', "names issuer"),
    ],
)
def test_a_discovery_document_that_is_not_usable_json_is_refused(issuer, body, why):
    issuer.serve_discovery(raw=body)
    with pytest.raises(DiscoveryFailed, match=why):
        discovery.discover(issuer=issuer.origin, allow_private_network=True)


def test_a_document_naming_another_issuer_is_refused(issuer):
    issuer.serve_discovery({**issuer.discovery, "issuer": "https://evil.example"})
    with pytest.raises(DiscoveryFailed, match="names issuer 'https://evil.example'"):
        discovery.discover(issuer=issuer.origin, allow_private_network=True)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"jwks_uri": None}, "has no jwks_uri"),
        ({"response_types_supported": ["id_token"]}, "authorization code flow"),
        ({"id_token_signing_alg_values_supported": ["HS256", "none"]}, "public-key algorithms"),
    ],
)
def test_a_document_without_what_parley_needs_is_refused(issuer, change, why):
    document = {k: v for k, v in {**issuer.discovery, **change}.items() if v is not None}
    issuer.serve_discovery(document)
    with pytest.raises(DiscoveryFailed, match=why):
        discovery.discover(issuer=issuer.origin, allow_private_network=True)


def test_an_unreachable_issuer_is_refused_with_the_reason(issuer):
    issuer.status = 500
    with pytest.raises(DiscoveryFailed, match="HTTP 500"):
        discovery.discover(issuer=issuer.origin, allow_private_network=True)
