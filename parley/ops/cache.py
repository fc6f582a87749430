"""A Redis cache that degrades instead of hanging or failing every page when Redis is gone.

Plain cache use (sessions read through the cache, the JWKS cache, page caches) degrades: a
read is a miss, so the database or the key source answers; a failed write is remembered and
that key is deleted once Redis answers again, so no stale value outlives the outage.
Atomic operations that carry shared state rather than a copy of it (`add` and `incr`: the
one-time `jti` store, rate-limit counters) raise CacheUnavailable, which the error handler
turns into a clear 503: accepting a replayed token or forgetting a failure count would be
wrong, and refusing a good token as "already used" would be misleading.

After a failure Redis is not asked again for BREAK_SECONDS, so an outage costs each request
at most one connection attempt, and recovery needs nobody's help.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from parley.errors import ServiceUnavailable

log = logging.getLogger(__name__)

BREAK_SECONDS = 1.0
MAX_PENDING_INVALIDATIONS = 10_000
_FAULTS = (RedisConnectionError, RedisTimeoutError)


class CacheUnavailable(ServiceUnavailable):
    code = "cache_unavailable"


class _Health:
    """Per process (Django makes one cache object per thread; the outage is shared)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        # (key, version) of writes that failed: deleted once Redis answers again. One set
        # per process serves the one Redis cache (CACHES["default"], settings.py).
        self.pending: set[tuple[str, int | None]] = set()


_health = _Health()


class _ReusedRedisClient(RedisCacheClient):
    """Django's client makes a new redis.Redis for every cache call, and its constructor
    (the table of response callbacks) cost more than the GET itself: ~0.3 ms a call, three
    calls a page (session, user, branding; bench/README.md, issue 16). One per connection
    pool is kept instead; redis.Redis holds no state of its own besides the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._redis_clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._redis_clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._redis_clients[index] = self._client(connection_pool=pool)
        return client


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # One immediate retry on a fresh connection rides over a Redis restart (the pooled
        # connection is dead, a new one works); redis-py's default backs off for seconds.
        options.setdefault("retry", Retry(NoBackoff(), 1))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusedRedisClient

    # ----------------------------------------------------------------- the guard

    def _guarded(self, operation, *args, degrade=None, raising=False, written=(), **kwargs):
        if time.monotonic() < _health.down_until:
            return self._failed(None, raising, degrade, written)
        try:
            if _health.pending:
                self._invalidate_pending()
            return operation(*args, **kwargs)
        except _FAULTS as exc:
            with _health.lock:
                if time.monotonic() >= _health.down_until:
                    log.warning("Redis unreachable (%s); degrading for %ss", exc, BREAK_SECONDS)
                _health.down_until = time.monotonic() + BREAK_SECONDS
            return self._failed(exc, raising, degrade, written)

    def _failed(self, exc, raising, degrade, written):
        if written:
            with _health.lock:
                if len(_health.pending) < MAX_PENDING_INVALIDATIONS:
                    _health.pending.update(written)
                else:
                    log.warning(
                        "Redis outage: too many writes to invalidate later; some "
                        "cached copies may be stale until they expire"
                    )
        if raising:
            raise CacheUnavailable(f"Redis unreachable: {exc or 'recent failure'}") from exc
        return degrade

    def _invalidate_pending(self):
        with _health.lock:
            keys, _health.pending = list(_health.pending), set()
        if keys:
            try:
                for version in {version for _, version in keys}:
                    super().delete_many([k for k, v in keys if v == version], version)
            except _FAULTS:
                with _health.lock:
                    _health.pending.update(keys)  # still owed; try again next time
                raise
            log.info("Redis is back; dropped %d cache entries written during the outage", len(keys))

    def check(self) -> None:
        """Ask Redis now, past the guard (which would answer "down" from memory); raises
        redis-py's ConnectionError or TimeoutError when it does not answer (/readyz)."""
        super().has_key("parley:readyz")

    # ----------------------------------------------------------------- degrading

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, key, default, version, degrade=default)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, keys, version, degrade={})

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, key, version, degrade=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, key, value, timeout, version, written=[(key, version)])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        written = [(key, version) for key in data]
        failed = self._guarded(super().set_many, data, timeout, version, written=written)
        return list(data) if failed is None else failed

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, key, timeout, version, degrade=False)

    def delete(self, key, version=None):
        return self._guarded(super().delete, key, version, degrade=False, written=[(key, version)])

    def delete_many(self, keys, version=None):
        written = [(key, version) for key in keys]
        return self._guarded(super().delete_many, keys, version, written=written)

    # ----------------------------------------------------------------- shared state: raise

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, key, value, timeout, version, raising=True)

    def incr(self, key, delta=1, version=None):
        return self._guarded(super().incr, key, delta, version, raising=True)

    def clear(self):
        return self._guarded(super().clear, raising=True)
