"""What an admin configures for External Authentication, and the one-time `jti` store."""

from django.db import models


def list_member_only() -> list[str]:
    return ["member"]


class SessionLength(models.TextChoices):
    CODE = "code", "Until the code expires"
    FIXED = "fixed", "A fixed length"


class JwtSettings(models.Model):
    """One row (pk=1): the JWT login policy of this instance (DESIGN §4)."""

    enabled = models.BooleanField(default=False)
    leeway_seconds = models.PositiveIntegerField(default=60)
    require_exp = models.BooleanField(default=False)
    max_lifetime_seconds = models.PositiveIntegerField(null=True, blank=True)
    issuer = models.CharField(max_length=255, blank=True, default="")
    audience = models.CharField(max_length=255, blank=True, default="")
    one_time_jti = models.BooleanField(default=False)
    # Off by default: linking trusts the integrator to have verified the email (DESIGN §4.3).
    link_by_email = models.BooleanField(default=False)
    # Off by default: an admin session from a token would make the integrator's signing
    # system, and anyone who can get a code minted there, an admin of this instance.
    admins_may_use_jwt = models.BooleanField(default=False)
    # Failed verifications allowed per client address in the window (DESIGN §4.4).
    failure_limit = models.PositiveIntegerField(default=30)
    failure_window_seconds = models.PositiveIntegerField(default=300)
    session_max_age_seconds = models.PositiveIntegerField(default=14 * 24 * 3600)
    # How long a JWT login lasts: until the code's `exp` (capped by the maximum above), or
    # always the maximum above, whatever the code's `exp` (short one-time codes, long sessions).
    session_length = models.CharField(
        max_length=8, choices=SessionLength.choices, default=SessionLength.CODE
    )
    jwks_url = models.CharField(max_length=2048, blank=True, default="")
    # Off: a key URL must not reach loopback, private, link-local or metadata addresses.
    jwks_allow_private_network = models.BooleanField(default=False)
    # Groups from the token (issue 14): off; which claim; "sync" makes the person's
    # token-managed memberships exactly the list, "add" only adds; unknown names are
    # "ignore"d or "create" the group.
    groups_from_token = models.BooleanField(default=False)
    groups_claim = models.CharField(max_length=255, default="user.groups")
    groups_mode = models.CharField(max_length=8, default="sync")
    unknown_groups = models.CharField(max_length=8, default="ignore")
    # Roles from the token: never unless an owner turns it on, and then only the roles
    # listed (a token can never grant owner).
    roles_from_token = models.BooleanField(default=False)
    roles_claim = models.CharField(max_length=255, default="user.role")
    token_roles_allowed = models.JSONField(default=list_member_only)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return "JWT settings"


class JwtSecret(models.Model):
    """An HMAC secret. The current one has no `retired_at`; a retired one keeps verifying
    until `valid_until` (the rotation grace period)."""

    secret = models.CharField(max_length=512)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"JWT secret {self.pk}"


class PublicKey(models.Model):
    """A public key (PEM) that verifies RS*/PS*/ES*/EdDSA tokens, selected by `kid`."""

    kid = models.CharField(max_length=255, blank=True, default="")
    pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Public key {self.kid or self.pk}"


class UsedJti(models.Model):
    """A `jti` (its SHA-256) already accepted while one-time use is on; kept until the
    token expires."""

    jti = models.CharField(max_length=64, unique=True)  # sha256 of the jti
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.jti


class JwtLink(models.Model):
    """Marks an existing (email) user that a JWT `user.id` was linked to by email, so a
    second, different `user.id` with the same email is a conflict, not a takeover."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"JWT link of user {self.user_id}"
