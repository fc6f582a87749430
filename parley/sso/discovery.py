"""An OpenID Connect issuer's discovery document, fetched and checked before Parley uses
it: the issuer URL and every endpoint obey parley/outbound.py's rules (https, no private
addresses unless the admin allows them), and the document names this issuer."""

from parley import outbound
from parley.external_auth.keys import PUBLIC_KEY_ALGORITHMS
from parley.web.json_body import InvalidJson, parse_json_body

from . import fetching
from .errors import DiscoveryFailed

WELL_KNOWN = "/.well-known/openid-configuration"
MAX_BYTES = 256 * 1024
TIMEOUT_SECONDS = 5
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
OPTIONAL_ENDPOINTS = ("userinfo_endpoint",)
KEPT = (
    "issuer",
    *REQUIRED_ENDPOINTS,
    *OPTIONAL_ENDPOINTS,
    "id_token_signing_alg_values_supported",
    "token_endpoint_auth_methods_supported",
    "code_challenge_methods_supported",
)


def clean_issuer(issuer: str) -> str:
    """The issuer URL without a trailing slash, or DiscoveryFailed saying what is wrong."""
    issuer = (issuer or "").strip()
    if issuer.endswith(WELL_KNOWN):
        issuer = issuer[: -len(WELL_KNOWN)]
    issuer = issuer.rstrip("/")
    _require_url_allowed(issuer, what="issuer URL")
    return issuer


def discover(*, issuer: str, allow_private_network: bool) -> dict:
    """Fetch and check `issuer`'s discovery document; returns the parts Parley uses.
    Raises DiscoveryFailed with the exact reason (its user_message says it for people)."""
    issuer = clean_issuer(issuer)
    url = issuer + WELL_KNOWN
    body = fetching.fetch(
        url,
        what="discovery",
        allow_private_network=allow_private_network,
        timeout=TIMEOUT_SECONDS,
        max_bytes=MAX_BYTES,
        accept="application/json",
        failed=_failed,
    )
    try:
        document = parse_json_body(body, max_bytes=MAX_BYTES)
    except InvalidJson as invalid:
        raise _failed(f"discovery at {url[:200]} is not a JSON object: {invalid.reason}") from None
    named = document.get("issuer")
    if named not in (issuer, issuer + "/"):
        raise _failed(f"discovery at {url[:200]} names issuer {str(named)[:200]!r}, not {issuer!r}")
    for field in REQUIRED_ENDPOINTS + OPTIONAL_ENDPOINTS:
        value = document.get(field)
        if value is None and field in OPTIONAL_ENDPOINTS:
            continue
        if not isinstance(value, str):
            raise _failed(f"discovery at {url[:200]} has no {field}")
        _require_url_allowed(value, what=field)
        # Parley's own fetches pin the checked address; allauth's token and userinfo calls
        # cannot, so their hosts are checked here, where the admin sees the answer.
        try:
            outbound.resolve_allowed(value, allow_private_network=allow_private_network)
        except (outbound.UrlRefused, outbound.FetchFailed) as problem:
            raise _failed(
                f"{field} {value[:200]}: {problem.reason}", problem.user_message
            ) from None
    response_types = document.get("response_types_supported")
    if not isinstance(response_types, list) or "code" not in response_types:
        raise _failed(f"discovery at {url[:200]} does not offer the authorization code flow")
    algorithms = document.get("id_token_signing_alg_values_supported")
    if not isinstance(algorithms, list) or not set(algorithms) & PUBLIC_KEY_ALGORITHMS:
        raise _failed(
            f"discovery at {url[:200]} signs id_tokens with {str(algorithms)[:100]}, none of "
            f"Parley's public-key algorithms"
        )
    return {field: document[field] for field in KEPT if field in document}


def _require_url_allowed(url: str, *, what: str) -> None:
    fetching.require_url_allowed(url, what=what, failed=_failed)


def _failed(reason: str, user_message: str | None = None) -> DiscoveryFailed:
    return DiscoveryFailed(reason, user_message=user_message or reason)
