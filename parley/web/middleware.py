"""Per-request helpers: show times in the viewer's time zone."""

import zoneinfo
from urllib.parse import unquote

from django.utils import timezone

TZ_COOKIE = "parley_tz"


class TimezoneMiddleware:
    """Activates the zone the browser reported (a cookie set by site.js), else UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = unquote(request.COOKIES.get(TZ_COOKIE, ""))
        zone = None
        if name and len(name) < 64:
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
