"""A person changes their own email: a code goes to the new address, and the address
changes only once that code comes back, so nobody locks themselves out with a typo.

The pending change lives in the person's session (shared by every worker through the
database or Redis), never in a URL."""

import hashlib
import hmac
import secrets
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache

from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import EmailTaken, ParleyError, RateLimited

from . import services
from .models import User, normalize_email
from .validation import clean_email

SESSION_KEY = "parley_email_change"
CODE_LIFETIME = 10 * 60
MAX_ATTEMPTS = 5
MAIL = "account/email/email_change_code"
# Codes a person may have sent per hour: enough for typos, too few to flood someone's inbox.
MAX_MAILS_PER_HOUR = 5


class EmailChangeFailed(ParleyError):
    code = "email_change_failed"
    status = 400
    page_title = "Email not changed"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def pending_email(*, session) -> str | None:
    pending = session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        return None
    return pending["email"]


def start_email_change(*, user: User, email: str, session) -> str:
    """Send a code to `email` and remember it in the session; return the cleaned address.
    Raises ValidationFailed or EmailTaken (nothing sent)."""
    email = clean_email(email, required=True)
    if normalize_email(email) == user.email_normalized:
        raise EmailChangeFailed(
            "new email equals the current one", user_message="This is already your email."
        )
    if services.email_in_use(email, exclude=user):
        raise EmailTaken(f"email change to {normalize_email(email)}: in use")
    _count_mail(user)
    code = _new_code()
    session[SESSION_KEY] = {
        "email": email,
        "digest": _digest(f"{user.pk}:{email}:{code}"),
        "expires": time.time() + CODE_LIFETIME,
        "attempts": 0,
    }
    get_adapter().send_mail(
        MAIL, email, {"code": code, "minutes": CODE_LIFETIME // 60, "user": user}
    )
    return email


def _count_mail(user: User) -> None:
    """Refuse (RateLimited) past MAX_MAILS_PER_HOUR code mails for this person, in fixed
    hourly windows in the shared cache, as every worker sees them."""
    key = f"parley:email-change-mails:{user.pk}:{int(time.time() // 3600)}"
    if cache.add(key, 1, timeout=3600):
        return
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        return
    if sent > MAX_MAILS_PER_HOUR:
        raise RateLimited(
            f"email change: more than {MAX_MAILS_PER_HOUR} code mails this hour",
            user_message="Too many codes sent this hour. Please try again later.",
        )


def confirm_email_change(*, user: User, code: str, session, request=None) -> User:
    """Change the email when `code` is the one sent; else raise EmailChangeFailed saying how
    many tries are left. The last wrong try or an expired code ends the change."""
    pending = session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        session.pop(SESSION_KEY, None)
        raise EmailChangeFailed(
            "no pending email change or its code expired",
            user_message="This code has expired. Enter your new email again for a new code.",
        )
    typed = "".join(ch for ch in str(code) if ch.isdigit())
    if not hmac.compare_digest(_digest(f"{user.pk}:{pending['email']}:{typed}"), pending["digest"]):
        pending["attempts"] += 1
        left = MAX_ATTEMPTS - pending["attempts"]
        if left <= 0:
            session.pop(SESSION_KEY, None)
            raise EmailChangeFailed(
                "email change: too many wrong codes",
                user_message="Too many wrong codes. Enter your new email again for a new code.",
            )
        session[SESSION_KEY] = pending
        raise EmailChangeFailed(
            "email change: wrong code",
            user_message=f"That code is not right. {left} {'try' if left == 1 else 'tries'} left.",
        )
    session.pop(SESSION_KEY, None)
    old = user.email
    user = services.update_email(user=user, email=pending["email"])
    audit.record_event(
        method=Method.EMAIL,
        outcome=Outcome.SUCCESS,
        reason="email_changed",
        request=request,
        public_user_id=user.public_id,
        detail=f"email changed from {old or '(none)'} to {user.email}, confirmed by code",
    )
    return user


def cancel_email_change(*, session) -> None:
    session.pop(SESSION_KEY, None)
