"""The logo and the accent stylesheet, each at an address that names its content's hash: a
browser keeps them for a year, and a change is a new address."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from . import selectors

YEAR = 365 * 24 * 3600
# The logo is shown through <img>, which runs nothing. Opened on its own (a link, a new tab)
# an SVG is a document: this policy lets it draw, never script, load or navigate.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def _immutable(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@require_GET
def logo(request, digest: str, extension: str):
    found = selectors.logo_with_hash(digest)
    if found is None or extension != selectors.logos.EXTENSIONS[found.content_type]:
        raise Http404
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Security-Policy"] = LOGO_POLICY
    response["Content-Disposition"] = f'inline; filename="logo.{extension}"'
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return _immutable(response)


@require_GET
def theme(request, digest: str):
    brand = selectors.current_brand()
    if digest != brand.theme_hash:
        raise Http404
    return _immutable(HttpResponse(brand.theme_css, content_type="text/css; charset=utf-8"))


@require_GET
def favicon(request):
    """/favicon.ico, asked for by browsers that never read the page's <link rel=icon>."""
    response = HttpResponseRedirect(selectors.current_brand().favicon_url)
    response["Cache-Control"] = "public, max-age=3600"
    return response
