"""What every stored credential of an admin's making (API keys, SCIM tokens) shares: a
printable name, a random secret shown once with a unique prefix to tell them apart, only its
hash kept, and a last-use time written at most once a minute. One rule, so they cannot drift."""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from parley.errors import ValidationFailed

from .tokens import hash_secret

# Touching last_used_at on every request would make every authenticated read a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# What lists show of a secret: its prefix and 8 random characters (48 bits).
SHOWN_RANDOM_CHARACTERS = 8

Credential = TypeVar("Credential", bound=models.Model)


def clean_credential_name(name, *, what: str, max_length: int) -> str:
    """A credential's name, trimmed: present, at most `max_length` printable characters.
    `what` ("key", "token") names it in the messages."""
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed(f"{what} name missing", user_message=f"Give the {what} a name.")
    if len(name) > max_length or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValidationFailed(
            f"{what} name invalid",
            user_message=f"The name must be at most {max_length} printable characters.",
        )
    return name


def mint_credential(
    *, prefix: str, create: Callable[[str, str], Credential]
) -> tuple[Credential, str]:
    """A new secret starting with `prefix`; `create(shown_prefix, secret_hash)` saves the row
    (inside a savepoint: a shown prefix that collides is drawn again). Returns the row and the
    secret, which is never stored and cannot be shown again."""
    for _ in range(5):
        secret = prefix + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                row = create(secret[: len(prefix) + SHOWN_RANDOM_CHARACTERS], hash_secret(secret))
        except IntegrityError:  # a prefix collision: 48 random bits, but be sure
            continue
        return row, secret
    raise RuntimeError(f"could not make a unique {prefix}… credential")


def note_use(row: models.Model) -> None:
    """Stamp `row.last_used_at`, at most once per LAST_USED_RESOLUTION (one UPDATE)."""
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        type(row).objects.filter(pk=row.pk).update(last_used_at=now)
