"""The headers every HTML page carries: a strict Content-Security-Policy, and no-store when
the request is signed in."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.cache import add_never_cache_headers

CSP = "Content-Security-Policy"

# Scripts and styles come only from this server's static files: an injected <script>,
# inline handler or style attribute does not run. Inline data blocks (json_script) are not
# scripts and need no exception.
BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def parse_policy(header: str) -> dict[str, str]:
    """A CSP header as {directive: sources}, in order."""
    directives = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            directives[name.lower()] = sources.strip()
    return directives


def policy_for(view_policy: str) -> str:
    """The page's CSP: BASE_POLICY with each directive a view set replacing the base one
    (the widget frame sets its frame-ancestors, the API docs page its style-src)."""
    directives = {**BASE_POLICY, **parse_policy(view_policy)}
    return "; ".join(f"{name} {sources}".strip() for name, sources in directives.items())


def page_policy(directives: str):
    """A view decorator: these CSP directives replace the base ones on this view's pages."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response[CSP] = directives
            return response

        return wrapper

    return decorate


def allow_form_action(request, origin: str) -> None:
    """Let this request's page post a form that ends at `origin` (an SSO button whose POST
    redirects to the identity provider: Chromium checks form-action on that redirect too)."""
    allowed = request.__dict__.setdefault("_parley_form_action_origins", [])
    if origin not in allowed:
        allowed.append(origin)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").lower().startswith("text/html")


def _signed_in(request) -> bool:
    # A session cookie or an Authorization header means a page may hold personal data;
    # the session check also covers a login that happened during this very request.
    # Neither reads the database for an anonymous visitor.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "Authorization" in request.headers:
        return True
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's debug error pages (PARLEY_DEBUG only) are built of inline styles and
        # scripts; they keep the plain frame-ancestors of FrameAncestorsMiddleware.
        debug_error_page = settings.DEBUG and response.status_code >= 400
        if _is_html(response) and not debug_error_page:
            response[CSP] = policy_for(response.get(CSP, ""))
            origins = getattr(request, "_parley_form_action_origins", None)
            if origins:
                directives = parse_policy(response[CSP])
                directives["form-action"] = " ".join([directives["form-action"], *origins])
                response[CSP] = "; ".join(f"{n} {v}".strip() for n, v in directives.items())
            if _signed_in(request):
                add_never_cache_headers(response)
        return response
