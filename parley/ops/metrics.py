"""Prometheus metrics of this host's Parley processes, through prometheus_client.

One process (the embedded default, `parley serve --workers 1`) counts in prometheus_client's
default registry. With several workers `parley serve` points PROMETHEUS_MULTIPROC_DIR at a
directory of its own (parley/ops/metrics_dir.py) before anything imports prometheus_client,
each worker counts in its files there, and a scrape of any worker adds them all up
(prometheus_client's multiprocess mode). Each host answers for itself; Prometheus scrapes
every host and sums across them (docs/operating.md).
"""

from django.conf import settings
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

# The `_created` series say when a process started counting; with several workers (and
# in multiprocess mode, which has none) they are noise.
disable_created_metrics()

HTTP_REQUESTS = Counter(
    "parley_http_requests", "HTTP requests answered by Django, by status class.", ["status"]
)
LOGINS = Counter(
    "parley_logins",
    "Login attempts, by method and outcome (as in the audit log).",
    ["method", "outcome"],
)
STREAMS = Counter("parley_streams", "Chat streams started.")
# livesum: the open streams of the workers running now. A worker that dies takes the whole
# `parley serve` down (granian does not respawn it), and the next start empties the
# directory, so no dead worker's figure lingers.
STREAMS_ACTIVE = Gauge(
    "parley_streams_active", "Chat streams open now, this host.", multiprocess_mode="livesum"
)


class SeatsCollector:
    """Seats are the instance's, read from the database when scraped."""

    def describe(self):
        # What a registry asks when the collector is registered (else it would collect()).
        return self._families()

    def collect(self):
        from parley.accounts.services import seat_usage

        usage = seat_usage()
        used, limit = self._families()
        used.add_metric([], usage.used)
        if usage.limit is not None:
            limit.add_metric([], usage.limit)
        return [used, limit]

    def _families(self):
        return [
            GaugeMetricFamily("parley_seats_used", "Active users (each takes a seat)."),
            GaugeMetricFamily("parley_seats_limit", "The seat limit (absent when unlimited)."),
        ]


REGISTRY.register(SeatsCollector())


def count_request(status: int) -> None:
    HTTP_REQUESTS.labels(status=f"{status // 100}xx").inc()


def count_login(method: str, outcome: str) -> None:
    LOGINS.labels(method=method, outcome=outcome).inc()


def track_stream(handler):
    """Wrap a streaming ASGI handler so open streams are counted (parley/asgi.py)."""

    async def tracked(scope, receive, send):
        STREAMS.inc()
        with STREAMS_ACTIVE.track_inprogress():
            await handler(scope, receive, send)

    return tracked


def exposition(accept: str = "") -> tuple[bytes, str]:
    """The scrape's body and content type (OpenMetrics when the scraper asks for it)."""
    if settings.SERVE_WORKERS > 1:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # the PROMETHEUS_MULTIPROC_DIR that parley serve set
        registry.register(SeatsCollector())
    else:
        registry = REGISTRY
    encoder, content_type = choose_encoder(accept)
    return encoder(registry), content_type
