"""Codes that fail verification, counted per client address in the shared cache, in fixed
windows of the admin's `failure_window_seconds` (DESIGN §4.4)."""

from django.conf import settings
from django.core.cache import cache

from parley.errors import AuthError, RateLimited

# Not allauth's limiter (allauth.core.ratelimit, which email login uses): its rates come from
# settings (this limit and window are the instance's, in the database, changed at run time),
# its public consume() never limits a GET (the URL login is one), and it records every
# attempt as a list of timestamps rewritten under a cache lock whose 1 s wait a flood of
# guesses would queue on. Here only codes that fail verification count, with one atomic
# add or incr per failure.


# What each scope counts, for the refusal's reason: JWT codes, SCIM bearer tokens.
_COUNTED = {"jwt": "failed JWT logins", "scim": "requests with a wrong SCIM token"}


def refuse_if_over_limit(
    *,
    ip: str | None,
    limit: int,
    window_seconds: int,
    now: float,
    refused: AuthError,
    scope: str = "jwt",
) -> None:
    """Raise RateLimited when `ip` is over the limit. Called only for a code that has just
    failed verification (`refused`): a correctly signed code is never refused here, so one
    guesser behind a shared address cannot lock out the people sharing it."""
    failures = cache.get(_key(ip, window_seconds, now, scope), 0)
    if failures >= limit:
        raise RateLimited(
            f"{failures} {_COUNTED[scope]} from {ip or 'an unknown address'} in this "
            f"{window_seconds}-second window (limit {limit}); this code: {refused.reason}"
        )


def count_failure(*, ip: str | None, window_seconds: int, now: float, scope: str = "jwt") -> None:
    """Count one failed verification from `ip`. Raises CacheUnavailable (503) when Redis is
    unreachable: a guess that cannot be counted is not answered."""
    key = _key(ip, window_seconds, now, scope)
    # Until the window ends; each window has its own key, so an increment that resets the
    # expiry (Django's database cache does) never carries a count into the next window.
    timeout = int(window_seconds - now % window_seconds) + 1
    if not cache.add(key, 1, timeout=timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)


def retired_setting_warning() -> str | None:
    """The startup warning for an operator still setting PARLEY_JWT_FAILURE_LIMIT."""
    if not settings.PARLEY_JWT_FAILURE_LIMIT_RETIRED:
        return None
    return (
        f"PARLEY_JWT_FAILURE_LIMIT={settings.PARLEY_JWT_FAILURE_LIMIT_RETIRED} is ignored: the "
        "failed-login limit is an instance setting now: `parley jwt policy --failure-limit N` "
        "replaces it."
    )


def _key(ip: str | None, window_seconds: int, now: float, scope: str = "jwt") -> str:
    return f"{scope}-fail:{ip or 'unknown'}:{window_seconds}:{int(now // window_seconds)}"
