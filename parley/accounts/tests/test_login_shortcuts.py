"""The hand-written login (sessions.log_user_in + write_session_now) leaves exactly what
django.contrib.auth.login() and the session middleware would: these fail when a Django
upgrade changes what it relies on (bench/shortcuts.py measures why it exists)."""

import pytest
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from parley.accounts.models import LoginMethod, User
from parley.accounts.sessions import BACKEND, _new_session_key, log_user_in, write_session_now

pytestmark = pytest.mark.django_db
sessions = SessionMiddleware(lambda request: HttpResponse())


def browser_request(*, data: dict, signed_in: User | None = None):
    """A request carrying a saved session with `data` (signed in as `signed_in` if given)."""
    setup = RequestFactory().get("/")
    sessions.process_request(setup)
    setup.session.update(data)
    if signed_in is not None:
        login(setup, signed_in, backend=BACKEND)
    setup.session.save()
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = setup.session.session_key
    sessions.process_request(request)
    get_token(request)  # the CSRF token a page gave this browser
    return request


def by_django(request, user):
    login(request, user, backend=BACKEND)
    return sessions.process_response(request, HttpResponse())


def by_parley(request, user):
    log_user_in(request, user=user, method=LoginMethod.JWT)
    response = HttpResponse()
    write_session_now(request, response)
    return sessions.process_response(request, response)  # finds nothing left to save


def outcome(request, response, old_key, old_csrf):
    SessionStore = sessions.SessionStore  # the configured engine
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    stored = SessionStore(session_key=cookie.value).load()
    return {
        "session": dict(request.session.items()),
        "stored": stored,
        "new key": cookie.value not in ("", old_key),
        "old row gone": not SessionStore().exists(old_key),
        "cookie": {
            k: cookie[k] for k in ("max-age", "path", "domain", "secure", "httponly", "samesite")
        },  # fmt: skip
        "vary": response.get("Vary"),
        "csrf rotated": request.META["CSRF_COOKIE"] != old_csrf,
        "user": request.user,
    }


@pytest.mark.parametrize("before", ["anonymous", "same user", "another user"])
def test_log_user_in_leaves_the_session_django_login_would(make_user, before):
    user = make_user(email="ann@example.com")
    other = make_user(email="bob@example.com")
    signed_in = {"anonymous": None, "same user": user, "another user": other}[before]
    results = []
    for log_in in (by_django, by_parley):
        request = browser_request(data={"language": "fr"}, signed_in=signed_in)
        request.user = signed_in
        old_key, old_csrf = request.session.session_key, request.META["CSRF_COOKIE"]
        results.append(outcome(request, log_in(request, user), old_key, old_csrf))
    assert results[0] == results[1]
    # Not comparing two wrongs: the login is in the stored session, and the key changed
    # unless the same person was already signed in (as login() does).
    assert results[1]["stored"]["_auth_user_id"] == str(user.pk)
    assert results[1]["new key"] is (before != "same user")
    assert results[1]["csrf rotated"]


def test_log_user_in_sends_user_logged_in_as_django_login_does(make_user):
    user = make_user(email="ann@example.com")
    received = []

    def receiver(sender, request, user, **kwargs):
        received.append((sender, user))

    user_logged_in.connect(receiver)
    try:
        by_parley(browser_request(data={}), user)
        by_django(browser_request(data={}), user)
    finally:
        user_logged_in.disconnect(receiver)
    assert received == [(User, user), (User, user)]


def test_the_new_session_key_is_what_django_would_draw_and_a_taken_one_is_refused():
    SessionStore = sessions.SessionStore
    keys = {_new_session_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(key) == 32 and set(key) <= set(VALID_KEY_CHARS) for key in keys)
    assert len(SessionStore()._get_new_session_key()) == 32  # Django draws 32 of these too
    # write_session_now sets the key Django keeps in `_session_key` and relies on
    # save(must_create=True) refusing a key that is taken.
    first = SessionStore()
    first._session_key = key = _new_session_key()
    assert first.session_key == key
    first.save(must_create=True)
    second = SessionStore()
    second._session_key = key
    with pytest.raises(CreateError):
        second.save(must_create=True)
