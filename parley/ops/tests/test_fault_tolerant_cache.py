"""The Redis cache degrades when Redis is gone: reads miss, shared state refuses with a 503
error, nothing waits longer than the socket timeouts, and it recovers by itself."""

import time
import uuid

import pytest

from parley.ops import cache as ops_cache
from parley.ops.cache import CacheUnavailable, FaultTolerantRedisCache


def make_cache(server):
    return FaultTolerantRedisCache(server.url, {"KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}"})


def wait_for_recovery(cache, key="probe"):
    deadline = time.monotonic() + 10
    while True:
        try:
            cache.add(key, 1)
            return
        except CacheUnavailable:
            assert time.monotonic() < deadline, "the cache did not recover"
            time.sleep(0.1)


def test_reads_miss_and_shared_state_refuses_while_redis_is_stopped(redis_process):
    cache = make_cache(redis_process)
    cache.set("session", {"user": 1})
    assert cache.add("jti:a", 1) is True
    redis_process.stop()

    started = time.monotonic()
    assert cache.get("session") is None
    assert cache.get("missing", 7) == 7
    assert cache.get_many(["session"]) == {}
    assert cache.has_key("session") is False
    cache.set("other", 1)  # a no-op, not an error
    with pytest.raises(CacheUnavailable) as refused:
        cache.add("jti:b", 1)
    assert refused.value.status == 503
    with pytest.raises(CacheUnavailable):
        cache.incr("counter")
    assert time.monotonic() - started < 2


def test_it_recovers_by_itself_after_a_restart_and_keeps_one_time_semantics(redis_process):
    cache = make_cache(redis_process)
    redis_process.stop()
    with pytest.raises(CacheUnavailable):
        cache.add("jti:x", 1)
    redis_process.start()  # same port, empty (as `--save ""` restarts are)
    wait_for_recovery(cache)
    assert cache.add("jti:x", 1) is True
    assert cache.add("jti:x", 1) is False  # one use only, as before the outage


def test_a_hung_redis_costs_at_most_the_timeout_then_nothing(redis_process):
    cache = make_cache(redis_process)
    cache.set("k", "old")
    redis_process.pause()
    try:
        started = time.monotonic()
        assert cache.get("k") is None  # waits for socket_timeout once
        first = time.monotonic() - started
        started = time.monotonic()
        assert cache.get("k") is None  # the breaker answers from memory
        assert time.monotonic() - started < 0.05
        assert first < 3
    finally:
        redis_process.resume()


def test_a_value_written_during_an_outage_is_not_served_stale_afterwards(redis_process):
    cache = make_cache(redis_process)
    cache.set("session:1", "before")
    redis_process.pause()  # unreachable, but its data survives
    try:
        cache.set("session:1", "after")  # lost: Redis still holds "before"
        cache.delete("session:2")
    finally:
        redis_process.resume()
    ops_cache._health.down_until = 0.0  # skip the breaker's wait
    assert cache.get("session:1") is None  # invalidated, not "before"
    cache.set("session:1", "fresh")
    assert cache.get("session:1") == "fresh"


@pytest.mark.django_db
def test_cached_db_sessions_still_load_from_the_database_while_redis_is_down(
    redis_process, settings
):
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "parley.ops.cache.FaultTolerantRedisCache",
            "LOCATION": redis_process.url,
            "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}",
        }
    }
    try:
        session = SessionStore()
        session["who"] = "alice"
        session.create()
        assert caches["default"].get(session.cache_key) == {"who": "alice"}  # really Redis
        redis_process.stop()
        assert SessionStore(session.session_key).load() == {"who": "alice"}
        SessionStore(session.session_key).delete()  # logout: no error, and gone
        assert SessionStore(session.session_key).load() == {}
    finally:
        for alias in list(caches):
            caches[alias].close()


def test_every_call_of_a_cache_reuses_one_redis_client(redis_process):
    # Django builds a new redis.Redis per call, which cost more than the GET (issue 16).
    cache = make_cache(redis_process)
    client = cache._cache.get_client()
    cache.set("a", {"n": 1})
    assert cache.get("a") == {"n": 1} and cache.get_many(["a", "b"]) == {"a": {"n": 1}}
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
