"""Account pages outside allauth: the one-time login link and the person's own account."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import AuthError
from parley.web.errors import render_error

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
    response = redirect("adminpanel:users" if user.is_staff else "home")
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def account(request):
    return render(request, "accounts/account.html", {"title": "Your account"})
