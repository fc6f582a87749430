"""/healthz, /readyz and /metrics, and the 503 page for an unreachable service."""

import asyncio
import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from prometheus_client import REGISTRY

from parley.audit.models import AuthEvent
from parley.ops import metrics
from parley.ops.tests.scrape import scraped
from parley.ops.views import server_error

pytestmark = pytest.mark.django_db


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_checks_the_database_and_says_redis_is_not_configured(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "database": "ok", "redis": "not configured"}


def test_readyz_is_503_when_redis_is_configured_but_unreachable(client, settings):
    from parley.tests.serving import free_port

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {"BACKEND": "parley.ops.cache.FaultTolerantRedisCache",
                    "LOCATION": settings.REDIS_URL},
    }  # fmt: skip
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("unreachable")
    assert response.json()["database"] == "ok"


def test_metrics_are_off_without_a_token(client, settings):
    settings.PARLEY_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_bearer_token(client, settings):
    settings.PARLEY_METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_metrics_count_requests_logins_and_seats(client, settings, make_user,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    settings.PARLEY_METRICS_TOKEN = "s3cret-metrics-token"
    make_user(email="a@example.com")
    client.get("/healthz")
    with django_capture_on_commit_callbacks(execute=True):
        AuthEvent.objects.create(method="jwt", outcome="failure", reason="x", reference="r1")
        AuthEvent.objects.create(method="jwt", outcome="failure", reason="x", reference="r2")
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert response.status_code == 200
    samples = scraped(response)
    assert samples[("parley_http_requests_total", (("status", "2xx"),))] >= 1
    assert samples[("parley_logins_total", (("method", "jwt"), ("outcome", "failure")))] >= 2
    assert samples[("parley_seats_used", ())] == 1
    assert ("parley_seats_limit", ()) not in samples  # unlimited
    assert samples[("parley_streams_active", ())] == 0


def test_metrics_speak_openmetrics_when_prometheus_asks_for_it(client, settings):
    settings.PARLEY_METRICS_TOKEN = "s3cret-metrics-token"
    response = client.get(
        "/metrics",
        headers={
            "Authorization": "Bearer s3cret-metrics-token",
            "Accept": "application/openmetrics-text; version=1.0.0",
        },
    )
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.decode().endswith("# EOF\n")


def test_streams_are_counted_while_open():
    seen = []

    def active():
        return REGISTRY.get_sample_value("parley_streams_active")

    async def stream(scope, receive, send):
        seen.append(active())

    before = active()
    started = REGISTRY.get_sample_value("parley_streams_total")
    asyncio.run(metrics.track_stream(stream)({"type": "http"}, None, None))
    assert seen == [before + 1]
    assert active() == before
    assert REGISTRY.get_sample_value("parley_streams_total") == started + 1


def _server_error_for(path, exc):
    request = RequestFactory().get(path)
    try:
        raise exc
    except type(exc):
        return server_error(request)


def test_a_lost_database_connection_gets_a_clear_503_page():
    response = _server_error_for("/", OperationalError("terminating connection"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "cannot reach one of its services" in response.content.decode()


def test_a_lost_database_connection_under_the_api_gets_json():
    response = _server_error_for("/api/v1/users", OperationalError("server closed"))
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "service_unavailable"


def test_any_other_error_is_still_the_plain_500_page():
    response = _server_error_for("/", RuntimeError("bug"))
    assert response.status_code == 500
