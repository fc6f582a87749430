"""How SSO setup reaches a provider, for OIDC discovery and SAML metadata alike: one URL rule
(parley/outbound.py's: https, no private address; plain http only to loopback when the tests
allow it) and one fetch whose failures say which document and why. Each caller passes its
own `failed(reason, user_message)`, so its refusals keep their own error class."""

from collections.abc import Callable

from django.conf import settings

from parley import outbound

MAX_URL_CHARS = 2048

Failed = Callable[..., Exception]


def require_url_allowed(url: str, *, what: str, failed: Failed) -> None:
    refused = outbound.why_url_refused(
        url, max_chars=MAX_URL_CHARS, http_loopback=settings.SSO_ALLOW_HTTP_LOOPBACK
    )
    if refused:
        raise failed(
            f"{what} {url[:120]!r} refused: {refused}",
            f"The {what} cannot be used: {refused}. It must start with https://.",
        )


def fetch(
    url: str,
    *,
    what: str,
    allow_private_network: bool,
    timeout: float,
    max_bytes: int,
    accept: str,
    failed: Failed,
) -> bytes:
    """The body at `url` (at most `max_bytes`), or `failed(...)` naming `what` it was."""
    try:
        body = outbound.fetch(
            url,
            allow_private_network=allow_private_network,
            timeout=timeout,
            max_bytes=max_bytes,
            accept=accept,
        )
    except (outbound.UrlRefused, outbound.FetchFailed) as problem:
        # An admin reads this: FetchFailed's exact reason (HTTP 404, DNS) helps them most.
        message = problem.user_message if isinstance(problem, outbound.UrlRefused) else None
        raise failed(f"{what} at {url[:200]}: {problem.reason}", message) from None
    if len(body) > max_bytes:
        raise failed(f"{what} at {url[:200]} is larger than {max_bytes} bytes")
    return body
