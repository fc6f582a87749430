"""Prometheus metrics for the whole instance, in the text exposition format.

Counters are counted in process memory (a dict increment under a lock: nothing on the
request path talks to Redis) and, when REDIS_URL is set, a daemon thread per worker adds
them to one Redis hash every FLUSH_SECONDS. A scrape of any worker on any host therefore
sees the totals of every worker and host, at most FLUSH_SECONDS old, and a worker that
exits loses at most its last FLUSH_SECONDS of counts. Without Redis (the embedded
default, one process) the counts are the process's own.

Gauges are read when scraped: seats from the database, open streams from each worker's
figure in Redis (dropped when the worker has not reported for STALE_SECONDS).
"""

import logging
import os
import socket
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache import caches

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
STALE_SECONDS = 10.0
COUNTERS_KEY = "metrics:counters"
STREAMS_KEY = "metrics:streams"

HELP = {
    "parley_http_requests_total": "HTTP requests answered by Django, by status class.",
    "parley_logins_total": "Login attempts, by method and outcome (as in the audit log).",
    "parley_streams_total": "Chat streams started.",
}

_lock = threading.Lock()
_counts: Counter = Counter()
_streams_active = 0
_flusher_pid = 0
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def inc(name: str, labels: tuple[tuple[str, str], ...] = (), amount: int = 1) -> None:
    with _lock:
        _counts[(name, labels)] += amount
    if settings.REDIS_URL and _flusher_pid != os.getpid():
        _start_flusher()


def count_request(status: int) -> None:
    inc("parley_http_requests_total", (("status", f"{status // 100}xx"),))


def count_login(method: str, outcome: str) -> None:
    inc("parley_logins_total", (("method", method), ("outcome", outcome)))


def track_stream(handler):
    """Wrap a streaming ASGI handler so open streams are counted (parley/asgi.py)."""

    async def tracked(scope, receive, send):
        global _streams_active
        inc("parley_streams_total")
        with _lock:
            _streams_active += 1
        try:
            await handler(scope, receive, send)
        finally:
            with _lock:
                _streams_active -= 1

    return tracked


# --------------------------------------------------------------------------- Redis side


def _redis():
    cache = caches["default"]
    # Django's RedisCache client; the raw client is needed for hashes and pipelines.
    return cache, cache._cache.get_client(write=True)


def _field(name: str, labels) -> str:
    return name + "|" + ",".join(f"{k}={v}" for k, v in labels)


def _unfield(field: str):
    name, _, rest = field.partition("|")
    labels = tuple(tuple(pair.split("=", 1)) for pair in rest.split(",") if pair)
    return name, labels


def flush() -> None:
    """Add this process's counts to Redis and report its open streams."""
    global _counts
    with _lock:
        pending, _counts = _counts, Counter()
        active = _streams_active
    try:
        cache, client = _redis()
        pipe = client.pipeline(transaction=False)
        for (name, labels), amount in pending.items():
            pipe.hincrby(cache.make_key(COUNTERS_KEY), _field(name, labels), amount)
        pipe.hset(cache.make_key(STREAMS_KEY), WORKER, f"{active} {time.time():.0f}")
        pipe.execute()
    except Exception as exc:  # noqa: BLE001 — any Redis failure: keep the counts, try later
        with _lock:
            _counts.update(pending)
        log.debug("metrics flush failed: %s", exc)


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        flush()


def _start_flusher() -> None:
    global _flusher_pid
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
    threading.Thread(target=_flush_forever, name="metrics-flush", daemon=True).start()


def _shared_counts() -> tuple[Counter, int]:
    flush()
    cache, client = _redis()
    counts = Counter()
    for field, value in client.hgetall(cache.make_key(COUNTERS_KEY)).items():
        counts[_unfield(field.decode())] = int(value)
    streams = 0
    now = time.time()
    for worker, value in client.hgetall(cache.make_key(STREAMS_KEY)).items():
        active, _, seen = value.decode().partition(" ")
        if now - float(seen) > STALE_SECONDS:
            client.hdel(cache.make_key(STREAMS_KEY), worker)
        else:
            streams += int(active)
    return counts, streams


# --------------------------------------------------------------------------- exposition


def exposition() -> str:
    from parley.accounts.services import seat_usage

    if settings.REDIS_URL:
        counts, streams = _shared_counts()
    else:
        with _lock:
            counts, streams = Counter(_counts), _streams_active
    lines = []
    for name in sorted(HELP):
        lines += [f"# HELP {name} {HELP[name]}", f"# TYPE {name} counter"]
        series = sorted((labels, value) for (n, labels), value in counts.items() if n == name)
        if not series and name == "parley_streams_total":
            series = [((), 0)]
        for labels, value in series:
            text = ",".join(f'{k}="{v}"' for k, v in labels)
            lines.append(f"{name}{{{text}}} {value}" if text else f"{name} {value}")
    usage = seat_usage()
    lines += [
        "# HELP parley_seats_used Active users (each takes a seat).",
        "# TYPE parley_seats_used gauge",
        f"parley_seats_used {usage.used}",
        "# HELP parley_seats_limit The seat limit (absent when unlimited).",
        "# TYPE parley_seats_limit gauge",
    ]
    if usage.limit is not None:
        lines.append(f"parley_seats_limit {usage.limit}")
    lines += [
        "# HELP parley_streams_active Chat streams open now, all workers.",
        "# TYPE parley_streams_active gauge",
        f"parley_streams_active {streams}",
    ]
    return "\n".join(lines) + "\n"
