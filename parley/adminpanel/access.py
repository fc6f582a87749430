"""Who may open the admin panel: signed-in admins only."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache


def admin_required(view):
    """Anonymous visitors go to the login page (and come back); members get the 403 page.

    Admin pages show personal data, so browsers and proxies must not keep copies.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not request.user.is_admin:
            raise PermissionDenied("admin role required")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
