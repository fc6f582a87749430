"""Public keys from a JWKS URL (DESIGN §4.2 step 7): the URL checked (https, no credentials),
fetched with a timeout and a size cap, never from the server's private network unless the
admin allows it, never following a redirect to another host, cached in the shared cache,
and refetched for an unknown `kid` at most once a minute so random kids cannot flood the key
source; each JWK becomes a VerifyingKey only if it is a public signature key. While the URL
fails, the last good key set goes on serving for a bounded time."""

import hashlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import cache
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from jwt.exceptions import InvalidKeyError

from parley import outbound
from parley.web.json_body import InvalidJson, parse_json_body

from .errors import KeyRejected
from .keys import PUBLIC_KEY_ALGORITHMS, KeySourceUnavailable, VerifyingKey

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
MAX_BYTES = 256 * 1024
CACHE_SECONDS = 15 * 60
REFETCH_INTERVAL_SECONDS = 60
MAX_URL_CHARS = 2048

_JWK_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_JWK_LOADERS = {
    "RSA": RSAAlgorithm.from_jwk,
    "EC": ECAlgorithm.from_jwk,
    "OKP": OKPAlgorithm.from_jwk,
}
# How long after its last good fetch a key set still serves while the URL fails: an outage
# of the issuer's key server does not lock everyone out at once, and a key the issuer
# withdrew cannot be kept alive for longer by blocking the fetch.
STALE_SECONDS = 6 * 3600


class JwksUnavailable(Exception):
    """The key set could not be fetched or read; the reason is in the message."""


class JwksRefused(JwksUnavailable):
    """The JWKS URL reaches an address Parley refuses (parley/outbound.py)."""


def fetch_jwks(url: str, *, allow_private_network: bool) -> list[dict]:
    """GET the key set at `url` and return its JWKs (raw dicts). Raises JwksUnavailable."""
    validate_jwks_url(url)
    try:
        body = outbound.fetch(
            url,
            allow_private_network=allow_private_network,
            timeout=TIMEOUT_SECONDS,
            max_bytes=MAX_BYTES,
        )
    except outbound.UrlRefused as refused:
        raise JwksRefused(f"key URL {url[:200]} refused: {refused.reason}") from None
    except outbound.FetchFailed as failed:
        raise JwksUnavailable(failed.reason) from None
    if len(body) > MAX_BYTES:
        raise JwksUnavailable(f"key set at {url[:200]} is larger than {MAX_BYTES} bytes")
    try:
        # The one bounded parser: a key set nested 100,000 deep is refused, not a 500.
        document = parse_json_body(body, max_bytes=MAX_BYTES)
    except InvalidJson as invalid:
        raise JwksUnavailable(f"key set at {url[:200]}: {invalid.reason}") from None
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise JwksUnavailable(f"key set at {url[:200]} has no 'keys' list")
    return [jwk for jwk in keys if isinstance(jwk, dict)]


def _parse(jwks: list[dict]) -> list[VerifyingKey]:
    parsed = []
    for jwk in jwks:
        try:
            parsed.append(public_key_from_jwk(jwk))
        except KeyRejected as rejected:
            log.warning("JWKS key skipped: %s", rejected.reason)
    return parsed


class JwksSource:
    """A KeySource over one JWKS URL. Parsed keys are memoised per process by the key set's
    content; the raw key set lives in the shared cache so every worker sees one fetch."""

    _parsed: dict[str, list[VerifyingKey]] = {}

    def __init__(self, url: str, *, allow_private_network: bool):
        self.url = url
        self.allow_private_network = allow_private_network
        # The switch is part of the key: turning it off must not keep serving keys that
        # were fetched from the private network while it was on.
        digest = hashlib.sha256(f"{allow_private_network}:{url}".encode()).hexdigest()[:32]
        self._cache_key = f"jwks:{digest}"
        self._refetch_key = f"jwks-refetch:{digest}"
        self._last_good_key = f"jwks-last-good:{digest}"

    def keys_for(self, kid: str | None) -> Sequence[VerifyingKey]:
        jwks = cache.get(self._cache_key)
        if jwks is None:
            jwks = self._refresh()
        keys = self._keys(jwks)
        if kid is not None and not any(key.kid == kid for key in keys):
            # The issuer may have rotated its keys: look again, but at most once a minute.
            if cache.add(self._refetch_key, 1, timeout=REFETCH_INTERVAL_SECONDS):
                keys = self._keys(self._refresh())
        return keys

    def _refresh(self) -> list[dict]:
        try:
            jwks = fetch_jwks(self.url, allow_private_network=self.allow_private_network)
        except JwksRefused as refused:
            # Refused by rule, not by bad luck: say so in the failed login's audit reason.
            log.warning("JWKS refused: %s", refused)
            raise KeySourceUnavailable(str(refused)) from None
        except (JwksUnavailable, KeyRejected) as problem:
            return self._last_good(problem)
        cache.set(self._cache_key, jwks, timeout=CACHE_SECONDS)
        cache.set(self._last_good_key, (time.time(), jwks), timeout=STALE_SECONDS)
        return jwks

    def _last_good(self, problem: Exception) -> list[dict]:
        current = cache.get(self._cache_key)
        if current is not None:  # an unknown kid's refetch failed: the cached set still holds
            log.warning("JWKS unavailable: %s", problem)
            return current
        fetched_at, jwks = cache.get(self._last_good_key) or (0.0, [])
        left = fetched_at + STALE_SECONDS - time.time()
        if left <= 0:
            reason = f"key set unavailable ({problem}), none fetched in the last {STALE_SECONDS}s"
            log.warning("JWKS %s", reason)
            raise KeySourceUnavailable(reason)  # the failed login's audit detail says why
        log.warning(
            "JWKS unavailable: %s; serving the key set fetched %ds ago (stale, for %ds more)",
            problem,
            time.time() - fetched_at,
            left,
        )
        # Look again at most once a minute meanwhile, not at every login.
        cache.set(self._cache_key, jwks, timeout=min(REFETCH_INTERVAL_SECONDS, left))
        return jwks

    def _keys(self, jwks: list[dict]) -> list[VerifyingKey]:
        fingerprint = hashlib.sha256(json.dumps(jwks, sort_keys=True).encode()).hexdigest()
        if fingerprint not in self._parsed:
            if len(self._parsed) > 32:
                self._parsed.clear()
            self._parsed[fingerprint] = _parse(jwks)
        return self._parsed[fingerprint]


def public_key_from_jwk(jwk: Mapping[str, Any]) -> VerifyingKey:
    """A VerifyingKey from one JWK (as a JWKS publishes them). Symmetric keys, private key
    material, keys not meant for verifying signatures and unknown algorithms are refused."""
    if not isinstance(jwk, Mapping):
        raise KeyRejected(f"JWK is a {type(jwk).__name__}, not an object")
    kty = jwk.get("kty")
    if kty == "oct":
        raise KeyRejected("symmetric (oct) JWKs are never used; the secret is set separately")
    private = sorted(_JWK_PRIVATE_MEMBERS & set(jwk))
    if private:
        raise KeyRejected(f"JWK contains private key members {private}")
    use = jwk.get("use")
    if use is not None and use != "sig":
        raise KeyRejected(f"JWK use {use!r:.40} is not 'sig'")
    key_ops = jwk.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        raise KeyRejected(f"JWK key_ops {key_ops!r:.80} do not include 'verify'")
    algorithm = jwk.get("alg")
    if algorithm is not None and algorithm not in PUBLIC_KEY_ALGORITHMS:
        raise KeyRejected(f"JWK alg {algorithm!r:.40} is not a supported signature algorithm")
    kid = jwk.get("kid")
    loader = _JWK_LOADERS.get(kty) if isinstance(kty, str) else None
    if loader is None:
        raise KeyRejected(f"JWK kty {kty!r:.40} is not RSA, EC or OKP")
    try:
        key = loader(dict(jwk))
    except (InvalidKeyError, ValueError, KeyError, TypeError) as exc:
        raise KeyRejected(f"JWK does not parse: {exc}") from None
    return VerifyingKey(key=key, kid=kid, algorithm=algorithm)


def validate_jwks_url(url: str) -> str:
    """Check a JWKS URL: https only (http only for 127.0.0.1/localhost), no credentials."""
    if not isinstance(url, str):
        raise KeyRejected(f"JWKS URL is a {type(url).__name__}, not text")
    url = url.strip()
    refused = outbound.why_url_refused(url, max_chars=MAX_URL_CHARS, http_loopback=True)
    if refused:
        raise KeyRejected(
            f"JWKS URL {url!r:.120} refused: {refused}",
            user_message=(
                f"This JWKS URL cannot be used: {refused}. It must start with https:// "
                "(http:// only for 127.0.0.1 or localhost)."
            ),
        )
    return url
