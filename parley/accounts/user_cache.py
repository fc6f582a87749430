"""The signed-in person's user row, read through the cache on every request.

Django's AuthenticationMiddleware reads the user row on every request (so that a
deactivation or a role change takes effect on the next one): about a fifth of a simple
page's time (bench/README.md). Here that read goes through the cache when the cache is fast
and shared by every process that serves the instance (Redis, or the one worker's memory:
settings.USER_CACHE_SECONDS, 0 otherwise), and every change to a user clears its entry at
once: any save or delete of a User (the services save, never update() behind the ORM's
back, except record_login, which clears it itself), again when the change commits.

What is cached is exactly what ModelBackend.get_user returns (an active user, or nothing is
cached), and django.contrib.auth.get_user still checks the session's auth hash.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction


def _key(user_id) -> str:
    return f"parley:user:{user_id}"


class CachedModelBackend(ModelBackend):
    """ModelBackend whose get_user (the per-request lookup) reads through the cache."""

    def get_user(self, user_id):
        seconds = settings.USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        key = _key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, seconds)
        return user


def forget_user(user_id) -> None:
    """Clear the cached row now and once the current transaction commits (a request that
    read the old row before the commit could otherwise put it back)."""
    if not settings.USER_CACHE_SECONDS:
        return
    key = _key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_saved_user(sender, instance, **kwargs) -> None:
    """post_save/post_delete receiver for the User model (connected in apps.py)."""
    if instance.pk is not None:
        forget_user(instance.pk)
