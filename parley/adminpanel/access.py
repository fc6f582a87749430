"""Who may open which admin page: the role's capability (parley.accounts.roles), checked on
the server for every admin view."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache

from parley.accounts import roles


def role_required(capability: str):
    """Anonymous visitors go to the login page (and come back); a signed-in person whose role
    lacks `capability` gets the 403 page.

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
            return view(request, *args, **kwargs)

        wrapper.capability = capability  # read by the role × route tests
        return never_cache(wrapper)

    return decorator
