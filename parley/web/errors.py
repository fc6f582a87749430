"""The friendly error page: a message per cause, the right status, a reference code."""

from urllib.parse import urlsplit

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from parley.branding.selectors import brand_for_error_page
from parley.errors import ParleyError


def render_error(
    request, error: ParleyError, *, reference: str = "", from_integrator: bool = False
):
    """`from_integrator`: the person came with a JWT from the integrator's app and never used
    an email login, so the way out is Admin → Branding's "back to your app" URL when set."""
    back = brand_for_error_page().return_url if from_integrator else ""
    response = render(
        request,
        "web/error.html",
        {
            "title": error.page_title,
            "error": error,
            "reference": reference,
            "back_url": back,
            "back_host": urlsplit(back).hostname or "" if back else "",
        },
        status=error.status,
    )
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception=None):
    return render(request, "web/404.html", {"title": "Page not found"}, status=404)


def server_error(request):
    # Rendered without the request's context: whatever broke (the database, a session)
    # must not break the error page too.
    brand = brand_for_error_page()
    html = loader.render_to_string(
        "web/500.html", {"title": "Something went wrong", "brand": brand, "site_name": brand.name}
    )
    return HttpResponseServerError(html)


def permission_denied(request, exception=None):
    return render(request, "web/403.html", {"title": "Not allowed"}, status=403)


def bad_request(request, exception=None):
    return render(request, "web/400.html", {"title": "Bad request"}, status=400)
