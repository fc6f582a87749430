"""Account pages outside allauth: the one-time login link and the person's own account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import AuthError, ParleyError
from parley.web.errors import render_error

from . import email_change, services
from .login_links import consume_login_link
from .models import LoginMethod
from .sessions import log_user_in


@never_cache
@require_GET
def login_link(request, token: str):
    try:
        user = consume_login_link(token=token)
    except AuthError as error:
        event = audit.record_event(
            method=Method.LINK,
            outcome=Outcome.FAILURE,
            reason=error.code,
            detail=error.reason,
            request=request,
        )
        return render_error(request, error, reference=event.reference)
    log_user_in(request, user=user, method=LoginMethod.LINK)
    audit.record_event(
        method=Method.LINK,
        outcome=Outcome.SUCCESS,
        reason="ok",
        request=request,
        public_user_id=user.public_id,
    )
    if user.is_staff and not user.email:
        # The link is used up: without an email, this admin's next way in is the CLI.
        response = redirect("account")
    else:
        response = redirect("adminpanel:users" if user.is_staff else "home")
    response["Referrer-Policy"] = "no-referrer"
    return response


def _account_page(request, *, name_error="", email_error="", email_value=""):
    pending = email_change.pending_email(session=request.session)
    return render(
        request,
        "accounts/account.html",
        {
            "title": "Your account",
            "name_error": name_error,
            "email_error": email_error,
            "email_value": email_value,
            "pending_email": pending,
        },
        status=200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The person's own account; POST sets their display name."""
    if request.method != "POST":
        return _account_page(request)
    try:
        services.set_name(user=request.user, name=request.POST.get("name", ""))
    except ParleyError as error:
        return _account_page(request, name_error=error.user_message)
    messages.success(request, "Name saved.")
    return redirect("account")


@never_cache
@login_required
@require_POST
def account_email(request):
    """Send a code to the new address; the email changes when the code comes back."""
    email = request.POST.get("email", "")
    try:
        email_change.start_email_change(user=request.user, email=email, session=request.session)
    except ParleyError as error:
        return _account_page(request, email_error=error.user_message, email_value=email)
    return redirect("account")


@never_cache
@login_required
@require_POST
def account_email_confirm(request):
    try:
        email_change.confirm_email_change(
            user=request.user,
            code=request.POST.get("code", ""),
            session=request.session,
            request=request,
        )
    except ParleyError as error:
        return _account_page(request, email_error=error.user_message)
    messages.success(request, f"Your email is now {request.user.email}.")
    return redirect("account")


@never_cache
@login_required
@require_POST
def account_email_cancel(request):
    email_change.cancel_email_change(session=request.session)
    return redirect("account")
