"""The "continue as someone else?" interstitial of a URL login (DESIGN §4.4)."""

from urllib.parse import urlsplit

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from parley.accounts.models import User
from parley.errors import AuthError
from parley.web.errors import render_error

from .errors import SwitchNotConfirmed
from .login import SwitchNeedsConfirmation, log_in_with_code
from .provisioning import CREATE, LINK
from .urls_cleaning import target_without_code


def switch_page(request, switch: SwitchNeedsConfirmation, *, code: str, next_url: str):
    """Ask before replacing the signed-in person with the code's user. The code travels on
    only in this no-store page's form, never in a URL again."""
    response = render(
        request,
        "external_auth/switch_account.html",
        {
            "title": "Switch account?",
            "current": _who(switch.current),
            "current_name": switch.current.display_name,
            "target": _target(switch),
            "target_name": (
                "a new account" if switch.found.user is None else switch.found.user.display_name
            ),
            "code": code,
            "confirmation": _confirmation(request, code),
            "next_url": next_url,
        },
    )
    return private(response)


# Not Django's CSRF check: this page must be sent with "Referrer-Policy: no-referrer" (its
# URL holds the code), and under that policy browsers send "Origin: null" with its form,
# which CsrfViewMiddleware refuses (tests/browser/test_jwt_switch_account.py shows it). The
# form carries its own token instead, bound to this session and this code.
@csrf_exempt
@sensitive_post_parameters("code", "confirmation")
@require_POST
def switch_account(request):
    """The person said yes: the same login as the URL's, now allowed to switch."""
    code = request.POST.get("code", "")
    expected = _confirmation(request, code)
    if expected is None or not constant_time_compare(
        request.POST.get("confirmation", ""), expected
    ):
        error = SwitchNotConfirmed("switch confirmation does not match this session and code")
        return private(render_error(request, error, from_integrator=True))
    next_url = _local(request.POST.get("next", "/"))
    response = HttpResponse(status=303)
    response["Location"] = next_url
    try:
        log_in_with_code(
            request,
            code=code,
            session_response=response,
            switch_confirmed=True,
        )
    except AuthError as error:
        response = render_error(
            request, error, reference=getattr(error, "reference", ""), from_integrator=True
        )
    return private(response)


def private(response):
    """A response about a sign-in code: never cached, never leaking through a Referer."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _confirmation(request, code: str) -> str | None:
    """A token only the page shown to this session for this code holds: another site can
    neither read it nor make one (it needs this session's key and the SECRET_KEY)."""
    session_key = request.session.session_key
    if session_key is None:
        return None
    value = f"{session_key}:{code}"
    return salted_hmac("parley.external_auth.switch", value, algorithm="sha256").hexdigest()


def _who(user: User) -> str:
    details = [f"user ID {user.public_id}"]
    if user.email and user.email != user.display_name:
        details.insert(0, user.email)
    return f"{user.display_name} ({', '.join(details)})"


def _target(switch: SwitchNeedsConfirmation) -> str:
    """The code's user as far as it is known without creating or changing anyone."""
    found, identity = switch.found, switch.identity
    if found.action == CREATE:
        email = f", email {identity.email}" if identity.email else ""
        return f"a new account for user ID {identity.user_id}{email}"
    if found.action == LINK:
        return f"{_who(found.user)}, whose user ID would become {identity.user_id}"
    return _who(found.user)


def _local(url: str) -> str:
    """A path on this host (what the interstitial's form sends back), never elsewhere."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return "/"
    return target_without_code(path=parts.path or "/", query_string=parts.query)
