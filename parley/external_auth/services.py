"""Managing External Authentication: switch, secrets and rotation, public keys, policy."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parley import outbound
from parley.errors import ValidationFailed

# The key modules (PyJWT's algorithms, cryptography: ~0.08 s to import) are imported by the
# functions that handle keys, so that `parley jwt policy` and the settings pages do not
# load them (parley/tests/test_cli_startup.py).
from .models import JwtSecret, JwtSettings, PublicKey, SessionLength

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
    from .keys import generate_secret

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
    secret. `new_secret` is an admin-pasted one (validated) instead of a generated one.

    No grace is the emergency rotation after a leak: then every earlier secret still in
    its grace stops too, since the leaked one may be among them."""
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise ValidationFailed(
            f"grace {grace} out of range",
            user_message="The grace period must be between 0 and 30 days.",
        )
    from .key_input import validate_admin_secret
    from .keys import generate_secret

    secret = generate_secret() if new_secret is None else validate_admin_secret(new_secret)
    now = timezone.now()
    with transaction.atomic():
        if not grace:
            _end_graces(now)
        JwtSecret.objects.filter(retired_at__isnull=True).update(
            retired_at=now, valid_until=now + grace
        )
        JwtSecret.objects.create(secret=secret)
    return secret


def revoke_previous_secrets() -> int:
    """End the grace of every rotated-out secret now: codes signed with them are refused
    from the next request on. The current secret keeps working. Returns how many ended."""
    with transaction.atomic():
        return _end_graces(timezone.now())


def _end_graces(now) -> int:
    return JwtSecret.objects.filter(retired_at__isnull=False, valid_until__gt=now).update(
        valid_until=now
    )


def add_public_key(*, pem: str, kid: str = "") -> PublicKey:
    from .key_input import parse_public_key_pem

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
    "admins_may_use_jwt",
    "session_max_age_seconds",
    "session_length",
    "failure_limit",
    "failure_window_seconds",
    "jwks_url",
    "jwks_allow_private_network",
    "groups_from_token",
    "groups_claim",
    "groups_mode",
    "unknown_groups",
)
GROUPS_MODES = ("sync", "add")
UNKNOWN_GROUPS = ("ignore", "create")


def set_jwks_url(*, url: str, allow_private_network: bool) -> JwtSettings:
    """Set (or with "" clear) the JWKS URL public keys are fetched from. Unless the admin
    allows the private network, its host must resolve to public addresses only (checked
    again at every fetch: parley/outbound.py)."""
    return update_policy(jwks_url=url, jwks_allow_private_network=allow_private_network)


def _checked_jwks_url(url: str, *, allow_private_network: bool) -> str:
    from .jwks import validate_jwks_url

    url = validate_jwks_url(url) if url.strip() else ""
    if url:
        outbound.resolve_allowed(url, allow_private_network=allow_private_network)
    return url


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
    length = changes.get("session_length")
    if length is not None and length not in SessionLength.values:
        raise ValidationFailed(
            f"session length {length!r}",
            user_message="The session length is “code” (until the code expires) or “fixed”.",
        )
    failure_limit = changes.get("failure_limit")
    if failure_limit is not None and not 1 <= failure_limit <= 100_000:
        raise ValidationFailed(
            "failure limit out of range",
            user_message="The failure limit must be between 1 and 100000 attempts.",
        )
    window = changes.get("failure_window_seconds")
    if window is not None and not 10 <= window <= 24 * 3600:
        raise ValidationFailed(
            "failure window out of range",
            user_message="The failure window must be between 10 seconds and 24 hours.",
        )
    _check_groups_policy(changes)
    if "jwks_url" in changes:
        # Every way of setting the key URL (panel, CLI) gets the same checks.
        allow = changes.get("jwks_allow_private_network")
        if allow is None:
            allow = get_jwt_settings().jwks_allow_private_network
        changes["jwks_url"] = _checked_jwks_url(changes["jwks_url"], allow_private_network=allow)
    with transaction.atomic():
        row = JwtSettings.objects.select_for_update().get_or_create(pk=1)[0]
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
    return row


def _check_groups_policy(changes: dict) -> None:
    claim = changes.get("groups_claim")
    if claim is not None:
        claim = changes["groups_claim"] = claim.strip()
        if not claim or len(claim) > 255 or any(c.isspace() or not c.isprintable() for c in claim):
            raise ValidationFailed(
                f"groups claim {claim[:80]!r} is not a claim name",
                user_message=(
                    "The groups claim must be a claim name or dotted path such as user.groups "
                    "(at most 255 characters, no spaces)."
                ),
            )
    if changes.get("groups_mode", "sync") not in GROUPS_MODES:
        raise ValidationFailed(
            f"groups mode {changes['groups_mode']!r} unknown",
            user_message="The groups mode must be sync or add.",
        )
    if changes.get("unknown_groups", "ignore") not in UNKNOWN_GROUPS:
        raise ValidationFailed(
            f"unknown groups {changes['unknown_groups']!r} unknown",
            user_message="Unknown groups must be ignore or create.",
        )
