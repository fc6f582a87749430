"""`?externalAuthCode=` on any page: log the person in, then 303 to the same page without
the code (DESIGN §4.4)."""

from django.http import HttpResponse

from parley.errors import AuthError
from parley.web.errors import render_error

from .errors import MalformedToken
from .login import log_in_with_code, record_rejection
from .urls_cleaning import PARAM, code_values, target_without_code


class ExternalAuthCodeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if PARAM not in request.GET or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        values = code_values(query)
        try:
            if len(values) != 1:
                raise record_rejection(
                    request, MalformedToken(f"{len(values)} externalAuthCode parameters")
                )
            log_in_with_code(request, code=values[0])
        except AuthError as error:
            response = render_error(request, error, reference=getattr(error, "reference", ""))
        else:
            response = HttpResponse(status=303)
            response["Location"] = target_without_code(path=request.path, query_string=query)
        # The URL holds the code: never let it leak through a Referer or a cache.
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response
