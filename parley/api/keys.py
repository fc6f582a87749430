"""Admin API keys: made (shown once), checked on every request, revoked."""

from django.db.models import Q
from django.utils import timezone

from parley.accounts import roles
from parley.accounts.credentials import clean_credential_name, mint_credential, note_use
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
    name = clean_credential_name(name, what="key", max_length=NAME_MAX_LENGTH)
    return mint_credential(
        prefix=ADMIN_KEY_PREFIX,
        create=lambda shown, digest: ApiKey.objects.create(
            name=name, role=role, prefix=shown, key_hash=digest, created_by=created_by[:64]
        ),
    )


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
    note_use(key)
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
