"""SCIM provisioning: the identity provider's tokens, and what it said of a user or group
beyond the fields Parley itself keeps (email, public id, name, status; a group's name)."""

from django.db import models


class ScimToken(models.Model):
    """A bearer token an identity provider provisions with (`pscim_…`). Only its hash is
    stored; the name is what the audit log shows for every change it makes."""

    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, shown in lists so an admin can tell tokens apart.
    prefix = models.CharField(max_length=16, unique=True)
    created_by = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class ScimUser(models.Model):
    """The SCIM view of a user an identity provider has written: its userName as sent (a
    UPN need not be the email) and the attributes Parley only keeps to give them back
    (name parts, displayName, the emails list)."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(max_length=255)
    # userName is unique ignoring case (RFC 7643 §4.1.1: caseExact false, uniqueness server).
    user_name_key = models.CharField(max_length=255, unique=True, editable=False)
    attributes = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.user_name

    def save(self, *args, **kwargs):
        # Keeping the comparison key in step with user_name is storage, not a business rule.
        self.user_name_key = self.user_name.casefold()
        super().save(*args, **kwargs)


class ScimGroup(models.Model):
    """What an identity provider said of a group beyond its name: its externalId."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="scim")
    external_id = models.CharField(max_length=255, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"SCIM view of group {self.group_id}"
