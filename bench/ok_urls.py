"""Bench-only URLconf: one bare view that returns "ok" (the reference R in bench/pages.py),
in front of Parley's own URLs (which `parley serve` needs at start-up)."""

from django.http import HttpResponse
from django.urls import include, path


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("ok", ok), path("", include("parley.urls"))]
