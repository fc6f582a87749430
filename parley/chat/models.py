"""Conversations, their messages, the model providers an admin configures, and usage."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Provider(models.Model):
    """An OpenAI-compatible endpoint. The key is stored encrypted (parley/chat/secrets.py)."""

    name = models.CharField(max_length=100)
    base_url = models.URLField(max_length=500)
    api_key_encrypted = models.TextField(blank=True, default="")
    api_key_hint = models.CharField(max_length=16, blank=True, default="")  # e.g. "sk-…a1b2"
    timeout_seconds = models.PositiveIntegerField(default=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ModelKind(models.TextChoices):
    DEMO = "demo", "Demo (offline)"
    OPENAI = "openai", "OpenAI-compatible"


class ChatModel(models.Model):
    """A model a person can pick. The built-in demo model is a row with kind=demo."""

    kind = models.CharField(max_length=16, choices=ModelKind.choices, default=ModelKind.OPENAI)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="models"
    )
    name = models.CharField(max_length=200)  # what the provider calls it, e.g. "gpt-4o-mini"
    label = models.CharField(max_length=200)  # what people see in the picker
    enabled = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    # Who may use it: everyone, or only the members of `groups`. An explicit flag rather
    # than "no groups means everyone", so deleting a model's last group never opens it up.
    for_everyone = models.BooleanField(default=True)
    groups = models.ManyToManyField("groups.Group", blank=True, related_name="chat_models")

    class Meta:
        ordering = ["kind", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_model"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind=ModelKind.DEMO), name="one_demo_model"
            ),
        ]

    def __str__(self):
        return self.label


class LimitFields(models.Model):
    """Messages and tokens (prompt + answer) a person may use per day, week and month, in
    the instance's time zone. Each is optional: None means no limit on it."""

    messages_per_day = models.PositiveIntegerField(null=True, blank=True)
    messages_per_week = models.PositiveIntegerField(null=True, blank=True)
    messages_per_month = models.PositiveIntegerField(null=True, blank=True)
    tokens_per_day = models.PositiveBigIntegerField(null=True, blank=True)
    tokens_per_week = models.PositiveBigIntegerField(null=True, blank=True)
    tokens_per_month = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class ChatSettings(LimitFields):
    """One row (pk=1): the instance's default limits, for people whom neither a personal
    limit nor a group limit covers."""

    def __str__(self):
        return "Chat settings"


class GroupLimit(LimitFields):
    """The limits of each member of a group (not a pool the members share)."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="limit")

    def __str__(self):
        return f"Limit for group {self.group_id}"


class UserLimit(LimitFields):
    """An admin's per-person override: it replaces the group and instance limits."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_limit"
    )

    def __str__(self):
        return f"Limit for {self.user_id}"


class Conversation(models.Model):
    public_id = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(max_length=200, default="New conversation")
    model = models.ForeignKey(ChatModel, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self):
        return self.title


class Role(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"


class MessageStatus(models.TextChoices):
    COMPLETE = "complete", "Complete"
    STREAMING = "streaming", "Streaming"
    STOPPED = "stopped", "Stopped"
    FAILED = "failed", "Failed"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField(blank=True, default="")
    html = models.TextField(blank=True, default="")  # sanitised rendering of an answer
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.COMPLETE
    )
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    model_label = models.CharField(max_length=200, blank=True, default="")
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    tokens_estimated = models.BooleanField(default=False)
    # Replaced by a regenerated answer or an edited message: kept, and browsable beside its
    # replacement, but no longer part of the conversation the model is sent.
    superseded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.role} message {self.pk}"


class DailyUsage(models.Model):
    """Messages sent and tokens used by one person on one day in the instance's time zone
    (UTC days before the time zone was set). Group figures are sums over the members."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_usage"
    )
    day = models.DateField()
    messages = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveBigIntegerField(default=0)
    completion_tokens = models.PositiveBigIntegerField(default=0)
    estimated_tokens = models.BooleanField(default=False)  # some counts are estimates

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_usage_row_a_day")]

    def __str__(self):
        return f"Usage of {self.user_id} on {self.day}"
