"""The API's URL patterns: ninja's, with its plain-text "405" turned into JSON and a JSON 404
for every other path under /api/v1/ (Django's would be an HTML page, and its CSRF check a
403 page)."""

from functools import wraps

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from .api import api, error_response


def _json_method_not_allowed(view):
    # csrf_exempt: no API view reads the session cookie, so no request can ride on it.
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(
                request,
                status=405,
                code="method_not_allowed",
                message=f"{request.method} is not allowed here (allowed: {allowed}).",
            )
            response["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt
def not_found(request, *args, **kwargs):
    return error_response(request, status=404, code="not_found", message="No such endpoint.")


_patterns, app_name, namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = _json_method_not_allowed(_pattern.callback)
urlpatterns = [*_patterns, re_path(r"", not_found)]
urls = (urlpatterns, app_name, namespace)
