"""`?externalAuthCode=` on any page: log the person in, then 303 to the same page without
the code; ask first when it would switch from someone already signed in (DESIGN §4.4)."""

from django.conf import settings
from django.http import HttpResponse

from parley.errors import AuthError
from parley.web.errors import render_error

from .errors import MalformedToken
from .login import SwitchNeedsConfirmation, log_in_with_code, record_rejection
from .urls_cleaning import PARAM, code_values, target_without_code
from .views import private, switch_page


class ExternalAuthCodeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Not HTML pages: the API answers JSON (its own exchange is POST /api/v1/auth/external),
        # static files and health checks have no session to start.
        self.skipped = ("/api/", settings.STATIC_URL, "/healthz", "/readyz", "/metrics")

    def __call__(self, request):
        if (
            PARAM not in request.GET
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(self.skipped)
        ):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        values = code_values(query)
        try:
            if len(values) != 1:
                raise record_rejection(
                    request, MalformedToken(f"{len(values)} externalAuthCode parameters")
                )
            target = target_without_code(path=request.path, query_string=query)
            response = HttpResponse(status=303)
            response["Location"] = target
            # The session is written, and its cookie set on the 303, inside the login.
            log_in_with_code(request, code=values[0], session_response=response)
        except SwitchNeedsConfirmation as switch:
            response = switch_page(request, switch, code=values[0], next_url=target)
        except AuthError as error:
            response = render_error(
                request, error, reference=getattr(error, "reference", ""), from_integrator=True
            )
        # The URL holds the code: never let it leak through a Referer or a cache.
        return private(response)
