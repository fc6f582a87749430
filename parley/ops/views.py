"""Health, readiness and metrics endpoints, and the 503 page for an unreachable service."""

import hmac
import logging
import sys

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from parley.branding.selectors import brand_for_error_page
from parley.errors import ServiceUnavailable
from parley.web.errors import server_error as plain_server_error

from . import metrics

log = logging.getLogger(__name__)

# Exceptions that mean "a backing service is gone for now", not "Parley has a bug".
UNAVAILABLE = (
    ServiceUnavailable,
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)


@never_cache
def healthz(request):
    """The process is up and answering; touches nothing else."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready for traffic: the database and (when configured) Redis answer."""
    checks = {"database": _check(_ping_database)}
    checks["redis"] = _check(_ping_redis) if settings.REDIS_URL else "not configured"
    ready = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


@never_cache
def metrics_view(request):
    """Prometheus metrics; 404 unless PARLEY_METRICS_TOKEN is set and presented as Bearer."""
    token = settings.PARLEY_METRICS_TOKEN
    if not token:
        raise Http404
    presented = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(presented.encode(), token.encode()):
        response = HttpResponse("metrics need the bearer token\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition(request.META.get("HTTP_ACCEPT", ""))
    return HttpResponse(body, content_type=content_type)


def _check(ping) -> str:
    try:
        ping()
    except (DatabaseError, RedisConnectionError, RedisTimeoutError, OSError) as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


def _ping_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _ping_redis():
    caches["default"].check()


def server_error(request):
    """handler500: an unreachable database or Redis gets a clear 503 (JSON under /api/);
    anything else is the ordinary 500 page."""
    exc = sys.exc_info()[1]
    if not isinstance(exc, UNAVAILABLE):
        return plain_server_error(request)
    error = exc if isinstance(exc, ServiceUnavailable) else ServiceUnavailable(str(exc)[:200])
    log.warning("503 for %s: %s", request.path, error.reason)
    if request.path.startswith("/api/"):
        body = {"code": error.code, "message": error.user_message}  # as parley/api/api.py
        response = JsonResponse(body, status=503)
    else:
        # Rendered without the request's context: the session and user need the very
        # service that is gone.
        brand = brand_for_error_page()
        html = loader.render_to_string(
            "web/error.html",
            {
                "title": "Temporarily unavailable",
                "error": error,
                # Set when the attempt was audited (a JWT login): support can find it.
                "reference": getattr(error, "reference", ""),
                "brand": brand,
                "site_name": brand.name,
            },
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response
