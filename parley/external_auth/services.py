"""Managing External Authentication: switch, secrets and rotation, public keys, policy."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parley.errors import ValidationFailed

from .jwks import JwksSource
from .keys import (
    VerificationKeys,
    generate_secret,
    load_verification_keys,
    parse_public_key_pem,
    validate_admin_secret,
    validate_jwks_url,
)
from .models import JwtSecret, JwtSettings, PublicKey
from .verify import VerifyPolicy

DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=30)


def get_jwt_settings() -> JwtSettings:
    row, _ = JwtSettings.objects.get_or_create(pk=1)
    return row


def current_secret() -> JwtSecret | None:
    return JwtSecret.objects.filter(retired_at__isnull=True).order_by("-created_at").first()


def secrets_in_grace(*, now=None) -> list[JwtSecret]:
    now = now or timezone.now()
    return list(
        JwtSecret.objects.filter(retired_at__isnull=False, valid_until__gt=now).order_by(
            "-retired_at"
        )
    )


def enable_jwt() -> str:
    """Switch JWT login on; the first time, generate the secret. Returns the secret."""
    with transaction.atomic():
        settings_row = JwtSettings.objects.select_for_update().get_or_create(pk=1)[0]
        secret = current_secret() or JwtSecret.objects.create(secret=generate_secret())
        if not settings_row.enabled:
            settings_row.enabled = True
            settings_row.save(update_fields=["enabled", "updated_at"])
    return secret.secret


def disable_jwt() -> None:
    JwtSettings.objects.update_or_create(pk=1, defaults={"enabled": False})


def rotate_secret(*, grace: timedelta = DEFAULT_GRACE, new_secret: str | None = None) -> str:
    """Make a new current secret; the old one keeps verifying for `grace`. Returns the new
    secret. `new_secret` is an admin-pasted one (validated) instead of a generated one."""
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise ValidationFailed(
            f"grace {grace} out of range",
            user_message="The grace period must be between 0 and 30 days.",
        )
    secret = generate_secret() if new_secret is None else validate_admin_secret(new_secret)
    now = timezone.now()
    with transaction.atomic():
        JwtSecret.objects.filter(retired_at__isnull=True).update(
            retired_at=now, valid_until=now + grace
        )
        JwtSecret.objects.create(secret=secret)
    return secret


def add_public_key(*, pem: str, kid: str = "") -> PublicKey:
    parse_public_key_pem(pem)
    kid = kid.strip()
    if len(kid) > 255:
        raise ValidationFailed("kid too long", user_message="The key ID must be ≤ 255 characters.")
    if kid and PublicKey.objects.filter(kid=kid).exists():
        raise ValidationFailed(
            f"kid {kid!r} in use", user_message=f"A key with ID “{kid}” already exists."
        )
    return PublicKey.objects.create(pem=pem.strip(), kid=kid)


def remove_public_key(*, key_id: int) -> None:
    PublicKey.objects.filter(pk=key_id).delete()


POLICY_FIELDS = (
    "leeway_seconds",
    "require_exp",
    "max_lifetime_seconds",
    "issuer",
    "audience",
    "one_time_jti",
    "link_by_email",
    "session_max_age_seconds",
    "jwks_url",
)


def set_jwks_url(*, url: str) -> JwtSettings:
    """Set (or with "" clear) the JWKS URL public keys are fetched from."""
    url = validate_jwks_url(url) if url.strip() else ""
    return update_policy(jwks_url=url)


def update_policy(**changes) -> JwtSettings:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown policy fields {sorted(unknown)}")
    leeway = changes.get("leeway_seconds")
    if leeway is not None and not 0 <= leeway <= 3600:
        raise ValidationFailed(
            "leeway out of range", user_message="Leeway must be between 0 and 3600 seconds."
        )
    lifetime = changes.get("max_lifetime_seconds")
    if lifetime is not None and not 1 <= lifetime <= 365 * 24 * 3600:
        raise ValidationFailed(
            "max lifetime out of range",
            user_message="The maximum lifetime must be between 1 second and 365 days, or none.",
        )
    for name in ("issuer", "audience"):
        if len(changes.get(name) or "") > 255:
            raise ValidationFailed(
                f"{name} too long", user_message=f"The expected {name} is at most 255 characters."
            )
    session_age = changes.get("session_max_age_seconds")
    if session_age is not None and not 60 <= session_age <= 365 * 24 * 3600:
        raise ValidationFailed(
            "session max age out of range",
            user_message="The session maximum must be between 1 minute and 365 days.",
        )
    with transaction.atomic():
        row = JwtSettings.objects.select_for_update().get_or_create(pk=1)[0]
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
    return row


def verification_config(*, now: float) -> tuple[JwtSettings, VerificationKeys, VerifyPolicy]:
    """The switch, keys and policy every code is verified with, read fresh from the
    database so a change in the admin panel applies to the very next request."""
    settings_row = get_jwt_settings()
    secrets = list(
        JwtSecret.objects.filter(Q(retired_at__isnull=True) | Q(valid_until__gt=_dt(now)))
    )
    current = next((s.secret for s in secrets if s.retired_at is None), None)
    previous = [(s.secret, s.valid_until.timestamp()) for s in secrets if s.retired_at]
    pems = [(key.pem, key.kid) for key in PublicKey.objects.all()]
    keys = load_verification_keys(
        current_secret=current, previous_secrets=previous, public_keys_pem=pems
    )
    if settings_row.jwks_url:
        keys = replace(keys, key_sources=(JwksSource(settings_row.jwks_url),))
    policy = VerifyPolicy(
        leeway_seconds=settings_row.leeway_seconds,
        require_exp=settings_row.require_exp,
        max_lifetime_seconds=settings_row.max_lifetime_seconds,
        issuer=settings_row.issuer or None,
        audience=settings_row.audience or None,
    )
    return settings_row, keys, policy


def _dt(timestamp: float):
    return datetime.fromtimestamp(timestamp, tz=UTC)
