"""Public keys from a JWKS URL (DESIGN §4.2 step 7): fetched with a timeout and a size cap,
never from the server's private network unless the admin allows it, never following a
redirect to another host, cached in the shared cache, and refetched for an unknown `kid` at
most once a minute so random kids cannot flood the key source. While the URL fails, the last
good key set goes on serving for a bounded time."""

import hashlib
import json
import logging
import time
from collections.abc import Sequence

from django.core.cache import cache

from parley import outbound

from .errors import KeyRejected
from .keys import KeySourceUnavailable, PublicKey, public_key_from_jwk, validate_jwks_url

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
MAX_BYTES = 256 * 1024
CACHE_SECONDS = 15 * 60
REFETCH_INTERVAL_SECONDS = 60
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
        document = json.loads(body)
    except ValueError:
        raise JwksUnavailable(f"key set at {url[:200]} is not JSON") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise JwksUnavailable(f"key set at {url[:200]} has no 'keys' list")
    return [jwk for jwk in keys if isinstance(jwk, dict)]


def _parse(jwks: list[dict]) -> list[PublicKey]:
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

    _parsed: dict[str, list[PublicKey]] = {}

    def __init__(self, url: str, *, allow_private_network: bool):
        self.url = url
        self.allow_private_network = allow_private_network
        # The switch is part of the key: turning it off must not keep serving keys that
        # were fetched from the private network while it was on.
        digest = hashlib.sha256(f"{allow_private_network}:{url}".encode()).hexdigest()[:32]
        self._cache_key = f"jwks:{digest}"
        self._refetch_key = f"jwks-refetch:{digest}"
        self._last_good_key = f"jwks-last-good:{digest}"

    def keys_for(self, kid: str | None) -> Sequence[PublicKey]:
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

    def _keys(self, jwks: list[dict]) -> list[PublicKey]:
        fingerprint = hashlib.sha256(json.dumps(jwks, sort_keys=True).encode()).hexdigest()
        if fingerprint not in self._parsed:
            if len(self._parsed) > 32:
                self._parsed.clear()
            self._parsed[fingerprint] = _parse(jwks)
        return self._parsed[fingerprint]
