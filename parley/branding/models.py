"""The instance's branding (issue 15): its name, logo, accent colour and the words around
the chat and its emails."""

from django.db import models

DEFAULT_NAME = "Parley"
DEFAULT_ACCENT = "#4f46e5"


class Branding(models.Model):
    """One row (pk 1): read through parley.branding.selectors (cached), changed through
    parley.branding.services (which clears the cache)."""

    name = models.CharField(max_length=60, default=DEFAULT_NAME)
    accent_color = models.CharField(max_length=7, default=DEFAULT_ACCENT)
    # A logo is small (MAX_LOGO_BYTES) and changes rarely: the row holds it, so every worker
    # on every host serves it without shared file storage.
    logo = models.BinaryField(blank=True, default=b"")
    logo_content_type = models.CharField(max_length=32, blank=True, default="")
    logo_hash = models.CharField(max_length=16, blank=True, default="")
    welcome_text = models.TextField(blank=True, default="")
    starter_prompts = models.JSONField(default=list, blank=True)
    # Empty: the instance name, and "[name] " as the subject prefix.
    email_from_name = models.CharField(max_length=60, blank=True, default="")
    email_subject_prefix = models.CharField(max_length=40, blank=True, default="")
    return_url = models.CharField(max_length=500, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "branding"

    def __str__(self) -> str:
        return f"Branding: {self.name}"
