"""Account pages outside allauth: the one-time login link (and its second factor) and the
person's own account."""

from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import AuthError, ParleyError
from parley.web.errors import render_error

from . import email_change, link_second_factor, services
from .login_links import consume_login_link
from .mfa_forms import AuthenticateWebAuthnForm
from .models import LoginMethod
from .second_factor import factor_types, has_second_factor
from .sessions import log_user_in


def _link_failed(request, error: AuthError):
    event = audit.record_event(
        method=Method.LINK,
        outcome=Outcome.FAILURE,
        reason=error.code,
        detail=error.reason,
        request=request,
    )
    return render_error(request, error, reference=event.reference)


def _link_logged_in(request, user, *, detail: str = ""):
    log_user_in(request, user=user, method=LoginMethod.LINK)
    audit.record_event(
        method=Method.LINK,
        outcome=Outcome.SUCCESS,
        reason="ok",
        request=request,
        public_user_id=user.public_id,
        detail=detail,
    )
    if user.is_staff and not user.email:
        # The link is used up: without an email, this admin's next way in is the CLI.
        response = redirect("account_edit")
    else:
        response = redirect("adminpanel:users" if user.is_staff else "home")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def login_link(request, token: str):
    try:
        user = consume_login_link(token=token)
    except AuthError as error:
        return _link_failed(request, error)
    if has_second_factor(user=user):
        link_second_factor.hold(request, user=user)
        response = redirect("login_link_second_factor")
        response["Referrer-Policy"] = "no-referrer"
        return response
    return _link_logged_in(request, user)


@never_cache
@require_http_methods(["GET", "POST"])
def login_link_second_factor(request):
    """Asks whoever followed a login link for their second factor (a code from their app, a
    recovery code or a passkey) with allauth's own forms, then signs them in."""
    try:
        user = link_second_factor.held_user(request)
    except AuthError as error:
        return _link_failed(request, error)
    code_form, passkey_form = AuthenticateForm(user=user), AuthenticateWebAuthnForm(user=user)
    if request.method == "POST":
        if "code" in request.POST:
            posted = code_form = AuthenticateForm(user=user, data=request.POST)
        else:
            posted = passkey_form = AuthenticateWebAuthnForm(user=user, data=request.POST)
        if posted.is_valid():
            posted.save()
            link_second_factor.release(request)
            kind = getattr(posted, "authenticator", None) or posted.cleaned_data["credential"]
            return _link_logged_in(request, user, detail=f"second factor: {kind.type}")
    context = {"title": "Second factor", "form": code_form, "action_url": request.path}
    if Authenticator.Type.WEBAUTHN in factor_types(user=user):
        context["webauthn_form"] = passkey_form
        context["js_data"] = {"request_options": webauthn_auth.begin_authentication(user)}
    return render(request, "accounts/login_link_second_factor.html", context)


def _account_page(request, *, name_error="", email_error="", email_value=""):
    pending = email_change.pending_email(session=request.session)
    return render(
        request,
        "accounts/account_edit.html",
        {
            "title": "Your name and email",
            "name_error": name_error,
            "email_error": email_error,
            "email_value": email_value,
            "pending_email": pending,
        },
        status=200,
    )


@never_cache
@login_required
@require_GET
def account(request):
    """The person's own account, read only: it has no form, so it carries no CSRF token
    (issue 16: masking one costs a third of a page). Changes are on account_edit."""
    return render(request, "accounts/account.html", {"title": "Your account"})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request):
    """The person's name and email; POST sets their display name."""
    if request.method != "POST":
        return _account_page(request)
    try:
        services.set_name(user=request.user, name=request.POST.get("name", ""))
    except ParleyError as error:
        return _account_page(request, name_error=error.user_message)
    messages.success(request, "Name saved.")
    return redirect("account_edit")


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
    return redirect("account_edit")


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
    return redirect("account_edit")


@never_cache
@login_required
@require_POST
def account_email_cancel(request):
    email_change.cancel_email_change(session=request.session)
    return redirect("account_edit")
