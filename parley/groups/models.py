"""Groups of people: who gets which models and which usage limits (issue 14)."""

from django.db import models


class Group(models.Model):
    """A named set of users. Names are unique case-insensitively (`name_key`)."""

    name = models.CharField(max_length=100)
    name_key = models.CharField(max_length=100, unique=True, editable=False)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_key"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Keeping the comparison key in step with `name` is storage, not a business rule.
        self.name_key = group_name_key(self.name)
        super().save(*args, **kwargs)


def group_name_key(name: str) -> str:
    return name.strip().casefold()


class Source(models.TextChoices):
    """Who manages a membership. A token sync only ever removes TOKEN memberships; one an
    admin set by hand (MANUAL) or an identity provider provisioned (SCIM) stays."""

    MANUAL = "manual", "Set by an admin"
    TOKEN = "token", "From the JWT"
    SCIM = "scim", "From SCIM provisioning"


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="group_memberships"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")
        ]

    def __str__(self):
        return f"{self.user_id} in {self.group_id} ({self.source})"
