"""Starting a session for a user, the same way for every login method."""

from django.contrib.auth import login

from .models import User
from .services import record_login

BACKEND = "django.contrib.auth.backends.ModelBackend"


def log_user_in(request, *, user: User, method: str) -> None:
    """Log `user` in on `request`: a new session key (no fixation), last-login stamped."""
    request._parley_login_method = method  # tells the user_logged_in receiver it is handled
    login(request, user, backend=BACKEND)
    record_login(user=user, method=method)
