"""Admin API keys and the bearer tokens of non-browser user sessions. Only hashes are stored."""

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    """An admin API key (`pk_live_…`): full access to the admin endpoints of the REST API."""

    name = models.CharField(max_length=100)
    # The key's first characters, shown in lists so an admin can tell keys apart.
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class UserToken(models.Model):
    """A user's session for a client that is not a browser (`pu_sess_…`), made by the
    external-auth exchange. It authenticates that user only, never the admin endpoints."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"API session of user {self.user_id}"
