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
    # Hash: a jti may be any length or content; the store keeps a fixed-size digest.
    digest = hashlib.sha256(jti.encode("utf-8", "surrogatepass")).hexdigest()
    if settings.REDIS_URL:
        ttl = max(int(expires - now) + 1, 1)
        if not cache.add(f"jti:{digest}", 1, timeout=ttl):
            raise TokenReplayed(f"jti {jti[:80]!r} was already used")
        return
    try:
        with transaction.atomic():
            UsedJti.objects.filter(expires_at__lt=_dt(now)).delete()
            UsedJti.objects.create(jti=digest, expires_at=_dt(expires))
    except IntegrityError:
        raise TokenReplayed(f"jti {jti[:80]!r} was already used") from None


def _dt(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)
