"""Starting a session for a user, the same way for every login method."""

import secrets
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.middleware.csrf import rotate_token
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date

from .models import User
from .services import record_login

BACKEND = "parley.accounts.user_cache.CachedModelBackend"


def log_user_in(request, *, user: User, method: str) -> None:
    """Log `user` in on `request`: a new session key (no fixation), last-login stamped.

    This is django.contrib.auth.login() step for step but one: for a session without a
    signed-in user, login() calls cycle_key(), which INSERTs the new, still empty session
    row at once, and the session middleware UPDATEs it with the login at the end of the
    request: two writes in two transactions. Here the old row is dropped and the new key
    is only drawn when the session is saved, so the row is written once, login included
    (see also write_session_now). bench/shortcuts.py: a whole JWT login costs 1.39x the CPU
    with login() and the middleware's save instead (median of 5 runs); the test that fails
    when Django changes what this relies on is accounts/tests/test_login_shortcuts.py.
    """
    request._parley_login_method = method  # tells the user_logged_in receiver it is handled
    session = request.session
    session_auth_hash = user.get_session_auth_hash()
    if SESSION_KEY in session:
        if User._meta.pk.to_python(session[SESSION_KEY]) != user.pk or not constant_time_compare(
            session.get(HASH_SESSION_KEY, ""), session_auth_hash
        ):
            # Another user's session: start a new, empty one (as login() does).
            session.flush()
    else:
        # cycle_key() without its early INSERT: keep the data, drop the old row and key.
        data = dict(session.items())
        session.flush()
        session.update(data)
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = session_auth_hash
    if hasattr(request, "user"):
        request.user = user
    rotate_token(request)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    record_login(user=user, method=method)


def _new_session_key() -> str:
    """What get_random_string(32, VALID_KEY_CHARS) gives (32 characters drawn uniformly
    from the 36 of VALID_KEY_CHARS, from the OS's CSPRNG), from one os.urandom read rather
    than one secrets.choice call per character. Bytes of 252 and above are dropped so that
    `byte % 36` stays uniform."""
    chars: list[str] = []
    while len(chars) < 32:
        chars += [VALID_KEY_CHARS[b % 36] for b in secrets.token_bytes(48) if b < 252]
    return "".join(chars[:32])


def write_session_now(request, response) -> None:
    """Save the session now, e.g. inside the login's own transaction, and set its cookie on
    `response` as SessionMiddleware would at the end of the request (same cookie, same
    Vary); that middleware then finds nothing left to save unless the session changes
    again. A new session is INSERTed under a fresh random key straight away: the SELECT
    that SessionStore.create() makes first to see whether the key is taken is skipped
    (a 32-character key from 36 symbols never repeats, and the INSERT refuses a taken one
    anyway, which draws another key, as create() does)."""
    session = request.session
    if session.session_key is None:
        while True:
            session._session_key = _new_session_key()
            try:
                session.save(must_create=True)
            except CreateError:
                continue
            break
    else:
        session.save()
    session.modified = False
    if session.get_expire_at_browser_close():
        max_age = expires = None
    else:
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=max_age,
        expires=expires,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    patch_vary_headers(response, ("Cookie",))
