"""Admin panel pages (placeholder; the full panel lands with the foundation issue)."""

from django.http import HttpResponse


def users(request):
    return HttpResponse("admin")
