"""The second factor of a login link (or a `createadmin` link): a person with a second
factor who follows one is not signed in until they give it, as an email login asks for it
(allauth's mfa stage). The link is spent already; this session remembers whose it was."""

import time

from django.conf import settings

from parley.errors import SecondFactorStepExpired

from .models import Status, User

PENDING_KEY = "parley_link_second_factor"


def hold(request, *, user: User) -> None:
    """Remember, in this session, that `user` followed a valid link and owes a factor."""
    request.session[PENDING_KEY] = {"user": user.pk, "at": time.time()}


def held_user(request) -> User:
    """The user whose link this session followed, or SecondFactorStepExpired when there is
    none, it is older than a login code may be, or the user can no longer log in."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        raise SecondFactorStepExpired("no login link awaits a second factor in this session")
    age = time.time() - float(pending.get("at", 0))
    if age > settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT:
        release(request)
        raise SecondFactorStepExpired(f"login link's second factor step expired ({age:.0f}s)")
    user = User.objects.filter(pk=pending.get("user"), status=Status.ACTIVE).first()
    if user is None:
        release(request)
        raise SecondFactorStepExpired("the login link's user is gone or deactivated")
    return user


def release(request) -> None:
    request.session.pop(PENDING_KEY, None)
