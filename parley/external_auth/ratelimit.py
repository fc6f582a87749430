"""Failed verifications are limited per client address, in the shared cache."""

from django.conf import settings
from django.core.cache import cache

from .errors import RateLimited

WINDOW_SECONDS = 300


def _key(ip: str | None) -> str:
    return f"jwt-fail:{ip or 'unknown'}"


def check(ip: str | None) -> None:
    failures = cache.get(_key(ip), 0)
    if failures >= settings.PARLEY_JWT_FAILURE_LIMIT:
        raise RateLimited(
            f"{failures} failed JWT logins from {ip or 'an unknown address'} in "
            f"{WINDOW_SECONDS // 60} minutes (limit {settings.PARLEY_JWT_FAILURE_LIMIT})"
        )


def count_failure(ip: str | None) -> None:
    key = _key(ip)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS)
