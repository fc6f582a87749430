"""Admin API keys. Only their hashes are stored."""

from django.db import models

from parley.accounts.models import Role


class ApiKey(models.Model):
    """An admin API key (`pk_live_…`): the admin endpoints of the REST API its role allows
    (parley.accounts.roles), never more than its creator's role."""

    name = models.CharField(max_length=100)
    role = models.CharField(max_length=16, choices=Role.choices)
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
