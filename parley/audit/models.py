"""The append-only log of authentication events (DESIGN §4.5), and of the admin changes
that decide what people may do (groups, roles). It never holds a token."""

from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"


class Method(models.TextChoices):
    EMAIL = "email", "Email code"
    JWT = "jwt", "JWT"
    LINK = "link", "Login link"
    API = "api", "API"
    SSO = "sso", "Single sign-on"
    # Not a login: a change an admin, an API key or the command line made (groups, roles).
    ADMIN = "admin", "Admin change"
    SCIM = "scim", "SCIM provisioning"
    MFA = "mfa", "Second factor"


class AuthEvent(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=16, choices=Method.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=64, db_index=True)
    detail = models.TextField(blank=True, default="")
    reference = models.CharField(max_length=16, unique=True)
    public_user_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    jti = models.CharField(max_length=255, blank=True, default="")
    iss = models.CharField(max_length=255, blank=True, default="")
    kid = models.CharField(max_length=255, blank=True, default="")
    # Who made an admin change ("user 1234", "API key “deploy”", "command line"); the
    # person it was made to is public_user_id.
    actor = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["method", "outcome", "-created_at"])]

    def __str__(self):
        return f"{self.reference} {self.method} {self.outcome} {self.reason}"
