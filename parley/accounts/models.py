"""Users, instance settings (seats, email login), one-time login links and bearer tokens."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"
    # An email signup whose code was not confirmed yet: no seat, no login, and it expires
    # (parley.accounts.signups). Everywhere else it counts as no user at all.
    UNCONFIRMED = "unconfirmed", "Awaiting email confirmation"
    # An email signup waiting for an admin's approval (when the instance asks for it): no
    # seat until approved.
    PENDING = "pending", "Waiting for approval"


class Role(models.TextChoices):
    """Admin roles (issue 14). What each may do is decided in one place (the roles work);
    the order here is from most to least powerful."""

    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    USER_MANAGER = "user_manager", "User manager"
    AUDITOR = "auditor", "Auditor"
    MEMBER = "member", "Member"


class CreatedVia(models.TextChoices):
    EMAIL = "email", "Email"
    JWT = "jwt", "JWT"
    ADMIN = "admin", "Admin"
    API = "api", "API"
    CLI = "cli", "CLI"
    SSO = "sso", "Single sign-on"
    SCIM = "scim", "SCIM"


class LoginMethod(models.TextChoices):
    EMAIL = "email", "Email code"
    JWT = "jwt", "JWT"
    LINK = "link", "Login link"
    SSO = "sso", "Single sign-on"


class UserManager(BaseUserManager):
    """Create users through parley.accounts.services so seats are always counted."""

    def get_by_natural_key(self, email):
        return self.get(email_normalized=normalize_email(email))


def normalize_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip().lower()
    return email or None


class User(AbstractBaseUser):
    # The public id is what admins, the API and JWT `id` claims name; the primary key stays
    # internal so a JWT `user.id` can be any string.
    public_id = models.CharField(max_length=255, unique=True)
    email = models.CharField(max_length=254, null=True, blank=True)
    email_normalized = models.CharField(
        max_length=254, null=True, blank=True, unique=True, editable=False
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_via = models.CharField(max_length=16, choices=CreatedVia.choices)
    # What the person is called where they are greeted or listed (a JWT's user.name, SSO's
    # name claim, SCIM's displayName, or typed by an admin or the person); may be empty.
    name = models.CharField(max_length=200, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    last_login_method = models.CharField(
        max_length=16, choices=LoginMethod.choices, blank=True, default=""
    )
    # When the person last gained a role that opens the admin panel (None while they hold
    # none): the grace period to enrol a second factor counts from here (second_factor.py).
    staff_since = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email_normalized"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        indexes = [models.Index(fields=["status"]), models.Index(fields=["created_via"])]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.email or self.public_id

    def save(self, *args, **kwargs):
        # Keeping the normalised copy in step with `email` is storage, not a business rule.
        self.email_normalized = normalize_email(self.email)
        if self.email is not None:
            self.email = self.email.strip() or None
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def is_staff(self) -> bool:
        """Opens the admin panel (owner, admin, user manager, auditor); see roles.py."""
        from .roles import is_staff  # roles.py reads Role from this module

        return is_staff(self.role)

    @property
    def capabilities(self) -> frozenset[str]:
        """What this person may do in the admin panel (templates ask `"x" in capabilities`)."""
        from .roles import capabilities_of

        return capabilities_of(self.role)

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        # Before the name field, a JWT's user.name lived only in the metadata.
        name = self.metadata.get("name") if isinstance(self.metadata, dict) else None
        return str(name) if name else (self.email or f"User {self.public_id}")


class InstanceSettings(models.Model):
    """One row (pk=1): instance-wide settings an admin changes at run time.

    The row doubles as the seat lock: seat changes lock it (SELECT ... FOR UPDATE) first.
    """

    seat_limit = models.PositiveIntegerField(null=True, blank=True)
    email_login_enabled = models.BooleanField(default=True)
    email_signup_allowed = models.BooleanField(default=True)
    # New people from email signup wait as pending until an admin approves them.
    signup_needs_approval = models.BooleanField(default=False)
    # Usage periods (day, week, month) reset at midnight in this IANA time zone.
    time_zone = models.CharField(max_length=64, default="UTC")
    # Everyone who opens the admin panel must enrol a second factor, `mfa_grace_days` after
    # becoming staff (or after the requirement was switched on, `mfa_required_since`).
    # On for a new instance; an instance that existed before keeps it off (migration 0006).
    mfa_required_for_staff = models.BooleanField(default=True)
    mfa_grace_days = models.PositiveSmallIntegerField(default=7)
    mfa_required_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return "Instance settings"


class LoginLink(models.Model):
    """A one-time, expiring link that logs a user in. Only the token's hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=64, blank=True, default="")

    def __str__(self):
        return f"Login link for {self.user_id}"


class UserToken(models.Model):
    """A user's session for a client that keeps no cookie (`pu_sess_…`): an API client or
    the widget frame, made by the external-auth exchange. It authenticates that user only,
    never the admin endpoints. Only the token's hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bearer_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table the api app made before the model moved here: no rows had to move.
        db_table = "api_usertoken"

    def __str__(self):
        return f"Bearer token of user {self.user_id}"
