"""One-time use of a token's `jti` (DESIGN §4.2 step 8): recorded in the database, inside
the login's own transaction."""

import hashlib

from django.db import IntegrityError, transaction

from parley.times import from_timestamp

from .errors import TokenReplayed
from .models import UsedJti
from .verify import MAX_LEEWAY_SECONDS

# A code is accepted until `exp` plus the leeway, and the admin may raise the leeway after
# the code was used: keep each record past the largest leeway, plus a margin for hosts
# whose clocks differ.
KEPT_AFTER_EXP_SECONDS = MAX_LEEWAY_SECONDS + 300
# A token without `exp` could be presented forever; remember its jti for a year.
NO_EXP_MEMORY_SECONDS = 365 * 24 * 3600
SWEEP_BATCH = 1000


def consume_jti(*, jti: str, exp: float | None, now: float) -> None:
    """Record `jti` as used, or raise TokenReplayed when it was used before.

    Call it inside the login's transaction: the record commits with the login or rolls back
    with it, so a login refused afterwards (no seat, a database drop) leaves the code usable
    for a retry. The unique index makes a concurrent login with the same jti wait for this
    one's outcome (PostgreSQL) or for its turn to write (SQLite). The database, unlike a
    cache, is shared by every worker and host and survives restarts.
    """
    keep_until = from_timestamp(
        now + NO_EXP_MEMORY_SECONDS if exp is None else exp + KEPT_AFTER_EXP_SECONDS
    )
    digest = _digest(jti)
    _sweep(now)
    try:
        with transaction.atomic():  # a savepoint: the conflict must not end the login's
            UsedJti.objects.create(jti=digest, expires_at=keep_until)
    except IntegrityError:
        # A record past its time that no sweep has removed yet counts as none.
        reused = UsedJti.objects.filter(jti=digest, expires_at__lt=from_timestamp(now))
        if not reused.update(expires_at=keep_until):
            raise TokenReplayed(f"jti {jti[:80]!r} was already used") from None


def is_jti_used(*, jti: str, now: float) -> bool:
    """Whether consume_jti would refuse `jti` now. Reads the store only (the token tester)."""
    return UsedJti.objects.filter(jti=_digest(jti), expires_at__gte=from_timestamp(now)).exists()


def _sweep(now: float) -> None:
    """Delete a batch of records past their time. Rows another login is sweeping are
    skipped, not waited for (PostgreSQL), so concurrent logins never queue or deadlock here."""
    stale = list(
        UsedJti.objects.select_for_update(skip_locked=True)
        .filter(expires_at__lt=from_timestamp(now))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if stale:
        UsedJti.objects.filter(pk__in=stale).delete()


def _digest(jti: str) -> str:
    # A jti may be any length or content; the store keeps a fixed-size digest.
    return hashlib.sha256(jti.encode("utf-8", "surrogatepass")).hexdigest()
