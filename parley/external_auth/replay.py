"""One-time use of a token's `jti` (DESIGN §4.2 step 8): in Redis when configured, so every
worker and host shares it, else in the database."""

import hashlib
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from .errors import TokenReplayed
from .models import UsedJti

# A token without `exp` could be presented forever; remember its jti for a year.
NO_EXP_MEMORY_SECONDS = 365 * 24 * 3600


def consume_jti(*, jti: str, exp: float | None, now: float | None = None) -> None:
    """Record `jti` as used, or raise TokenReplayed when it was used before."""
    now = time.time() if now is None else now
    expires = exp if exp is not None else now + NO_EXP_MEMORY_SECONDS
    digest = _digest(jti)
    if settings.REDIS_URL:
        ttl = max(int(expires - now) + 1, 1)
        if not cache.add(_cache_key(digest), 1, timeout=ttl):
            raise TokenReplayed(f"jti {jti[:80]!r} was already used")
        return
    try:
        with transaction.atomic():
            UsedJti.objects.filter(expires_at__lt=_dt(now)).delete()
            UsedJti.objects.create(jti=digest, expires_at=_dt(expires))
    except IntegrityError:
        raise TokenReplayed(f"jti {jti[:80]!r} was already used") from None


def is_jti_used(*, jti: str, now: float) -> bool:
    """Whether consume_jti would refuse `jti` now. Reads the store only (the token tester)."""
    digest = _digest(jti)
    if settings.REDIS_URL:
        return cache.get(_cache_key(digest)) is not None
    # consume_jti clears rows whose expiry is before now, so those no longer count.
    return UsedJti.objects.filter(jti=digest, expires_at__gte=_dt(now)).exists()


def _digest(jti: str) -> str:
    # A jti may be any length or content; the store keeps a fixed-size digest.
    return hashlib.sha256(jti.encode("utf-8", "surrogatepass")).hexdigest()


def _cache_key(digest: str) -> str:
    return f"jti:{digest}"


def _dt(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)
