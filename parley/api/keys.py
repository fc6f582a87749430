"""Admin API keys: made (shown once), checked on every request, revoked."""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parley.accounts import roles
from parley.accounts.models import Role
from parley.accounts.tokens import (
    ADMIN_KEY_PREFIX,
    MAX_CREDENTIAL_LENGTH,
    USER_TOKEN_PREFIX,
    hash_secret,
)
from parley.errors import NotFound, RoleForbidden, ValidationFailed

from .errors import AdminKeyRequired, ApiKeyInvalid, ApiKeyRevoked
from .models import ApiKey

SHOWN_PREFIX_LENGTH = len(ADMIN_KEY_PREFIX) + 8
# Touching last_used_at on every request would make every API call a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
NAME_MAX_LENGTH = 100


def create_api_key(
    *, name: str, role: str, acting_role: str, created_by: str = ""
) -> tuple[ApiKey, str]:
    """Make a key with `role`, no higher than `acting_role` (the creator's; the CLI is the
    owner); returns it with the secret, which is never stored and cannot be shown again."""
    if role not in roles.STAFF_ROLES:
        raise ValidationFailed(
            f"api key role {role!r}", user_message="Choose an admin role for the key."
        )
    if not roles.outranks_or_equals(acting_role, role):
        raise RoleForbidden(
            f"role {acting_role} may not make a {role} key",
            user_message="A key cannot have a higher role than yours.",
        )
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("api key name missing", user_message="Give the key a name.")
    if len(name) > NAME_MAX_LENGTH or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValidationFailed(
            "api key name invalid",
            user_message=f"The name must be at most {NAME_MAX_LENGTH} printable characters.",
        )
    for _ in range(5):
        secret = ADMIN_KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    name=name,
                    role=role,
                    prefix=secret[:SHOWN_PREFIX_LENGTH],
                    key_hash=hash_secret(secret),
                    created_by=created_by[:64],
                )
        except IntegrityError:  # a prefix collision: 48 random bits, but be sure
            continue
        return key, secret
    raise RuntimeError("could not make a unique API key")


def create_operator_key(*, name: str) -> tuple[ApiKey, str]:
    """A key made on the server (`parley apikey create`): the operator's shell is the
    instance's owner, so its keys are owner keys."""
    return create_api_key(name=name, role=Role.OWNER, acting_role=Role.OWNER, created_by="cli")


def authenticate_api_key(*, secret: str) -> ApiKey:
    """The key `secret` belongs to, or why it cannot be used. Only the hash is compared: the
    lookup by hash reveals nothing about how close a guess was."""
    if secret.startswith(USER_TOKEN_PREFIX):
        raise AdminKeyRequired("a user token was sent to an admin endpoint")
    if not secret.startswith(ADMIN_KEY_PREFIX) or len(secret) > MAX_CREDENTIAL_LENGTH:
        raise ApiKeyInvalid("not an API key")
    key = ApiKey.objects.filter(key_hash=hash_secret(secret)).first()
    if key is None:
        raise ApiKeyInvalid("unknown API key")
    if key.revoked_at is not None:
        raise ApiKeyRevoked(f"API key {key.prefix} is revoked")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def list_api_keys():
    return ApiKey.objects.all()


def find_api_key(*, reference: str) -> ApiKey:
    """A key by its id or its shown prefix (`pk_live_abcd1234`)."""
    reference = (reference or "").strip()
    match = Q(prefix=reference)
    if reference.isdigit():
        match |= Q(pk=int(reference))
    key = ApiKey.objects.filter(match).first() if reference else None
    if key is None:
        raise NotFound(
            f"no API key {reference!r}", user_message=f"There is no API key “{reference[:40]}”."
        )
    return key


def revoke_api_key(*, key: ApiKey) -> ApiKey:
    """Revoke a key; it stops working at once. Revoking twice keeps the first time."""
    if key.revoked_at is None:
        now = timezone.now()
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
        key.refresh_from_db(fields=["revoked_at"])
    return key
