"""Who may open which admin page: the role's capability (parley.accounts.roles), checked on
the server for every admin view."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from parley.accounts import roles, second_factor

ENROL_FIRST = (
    "The admin panel asks for a second factor and your grace period is over: set up an "
    "authenticator app or a passkey here, then open the admin panel again."
)


def role_required(capability: str):
    """Anonymous visitors go to the login page (and come back); a signed-in person whose role
    lacks `capability` gets the 403 page; staff who had to enrol a second factor by now and
    have not go to the page that enrols one (parley.accounts.second_factor).

    Admin pages show personal data, so browsers and proxies must not keep copies.
    """
    if capability not in roles.ALL_CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not roles.can(request.user.role, capability):
                raise PermissionDenied(f"{capability} required")
            due = second_factor.enrolment_due(user=request.user)
            if due is not None and due.overdue:
                messages.error(request, ENROL_FIRST)
                return redirect("mfa_index")
            request.second_factor_due = due  # the layout's "Enrol now" banner
            return view(request, *args, **kwargs)

        wrapper.capability = capability  # read by the role × route tests
        return never_cache(wrapper)

    return decorator
