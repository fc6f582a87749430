"""The instance's widget settings (DESIGN §6): who may embed it and how it looks."""

from django.db import models


class Position(models.TextChoices):
    BOTTOM_RIGHT = "bottom-right", "Bottom right"
    BOTTOM_LEFT = "bottom-left", "Bottom left"


class WidgetSettings(models.Model):
    """One row (pk 1): read and changed through parley.widget.services."""

    allowed_origins = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=60, default="Chat")
    # Empty: the instance's accent colour (Admin → Branding).
    accent_color = models.CharField(max_length=7, blank=True, default="")
    position = models.CharField(
        max_length=16, choices=Position.choices, default=Position.BOTTOM_RIGHT
    )
    open_on_load = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "widget settings"

    def __str__(self) -> str:
        return f"Widget settings ({len(self.allowed_origins)} allowed origins)"
