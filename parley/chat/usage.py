"""Usage per person and UTC day (messages, tokens) and the daily message limits."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone

from parley.accounts.models import User

from .errors import UsageLimitReached
from .models import ChatSettings, DailyUsage, UserLimit


def utc_today() -> datetime.date:
    """Limits reset and usage is counted by the UTC day."""
    return timezone.now().astimezone(datetime.UTC).date()


def chat_settings() -> ChatSettings:
    return ChatSettings.objects.get_or_create(pk=1)[0]


def set_instance_limit(*, messages_per_day: int | None) -> None:
    ChatSettings.objects.update_or_create(pk=1, defaults={"messages_per_day": messages_per_day})


def set_user_limit(*, user: User, override: bool, messages_per_day: int | None) -> None:
    """With `override` off the user follows the instance limit; on, `messages_per_day`
    (None: unlimited) applies to them alone."""
    if not override:
        UserLimit.objects.filter(user=user).delete()
        return
    UserLimit.objects.update_or_create(user=user, defaults={"messages_per_day": messages_per_day})


def messages_limit_for(*, user: User) -> int | None:
    override = UserLimit.objects.filter(user=user).values_list("messages_per_day")[:1]
    for (messages_per_day,) in override:
        return messages_per_day
    for (messages_per_day,) in ChatSettings.objects.filter(pk=1).values_list("messages_per_day"):
        return messages_per_day
    return chat_settings().messages_per_day


def count_message(*, user: User, limit: int | None) -> None:
    """Count one message against today's limit, or refuse it. One conditional UPDATE, so
    concurrent requests cannot both take the last message of the day."""
    today = utc_today()
    rows = DailyUsage.objects.filter(user=user, day=today)
    if limit is not None:
        rows = rows.filter(messages__lt=limit)
    # Today's row exists nearly always: try the UPDATE first, create the row only if needed.
    if rows.update(messages=F("messages") + 1) == 0:
        DailyUsage.objects.get_or_create(user=user, day=today)
        counted = rows.update(messages=F("messages") + 1)
    else:
        counted = 1
    if counted == 0:
        raise limit_reached(user=user, limit=limit)


def limit_reached(*, user: User, limit: int | None) -> UsageLimitReached:
    return UsageLimitReached(
        f"user {user.pk}: {limit} messages a day",
        user_message=(
            f"You have reached your limit of {limit} message{'s' if limit != 1 else ''} "
            "a day. It resets at midnight UTC; ask your administrator if you need more."
        ),
    )


@dataclass(frozen=True)
class UsageRow:
    user: User
    messages_today: int
    messages: int
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    limit: int | None
    overridden: bool


def usage_report(*, query: str = "") -> list[UsageRow]:
    """Per-user totals and today's messages, busiest first."""
    today = utc_today()
    users = User.objects.filter(chat_usage__isnull=False).distinct()
    if query.strip():
        q = query.strip()
        users = users.filter(Q(public_id__icontains=q) | Q(email__icontains=q))
    totals = users.annotate(
        total_messages=Sum("chat_usage__messages"),
        total_prompt=Sum("chat_usage__prompt_tokens"),
        total_completion=Sum("chat_usage__completion_tokens"),
    ).order_by("-total_messages", "pk")
    today_counts = dict(DailyUsage.objects.filter(day=today).values_list("user_id", "messages"))
    estimated_users = set(
        DailyUsage.objects.filter(estimated_tokens=True).values_list("user_id", flat=True)
    )
    overrides = dict(UserLimit.objects.values_list("user_id", "messages_per_day"))
    instance_limit = chat_settings().messages_per_day
    return [
        UsageRow(
            user=user,
            messages_today=today_counts.get(user.pk, 0),
            messages=user.total_messages or 0,
            prompt_tokens=user.total_prompt or 0,
            completion_tokens=user.total_completion or 0,
            estimated=user.pk in estimated_users,
            limit=overrides[user.pk] if user.pk in overrides else instance_limit,
            overridden=user.pk in overrides,
        )
        for user in totals
    ]


def usage_for(*, user: User) -> UsageRow:
    rows = DailyUsage.objects.filter(user=user)
    totals = rows.aggregate(
        messages=Sum("messages"), prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens")
    )
    today = rows.filter(day=utc_today()).first()
    return UsageRow(
        user=user,
        messages_today=today.messages if today else 0,
        messages=totals["messages"] or 0,
        prompt_tokens=totals["prompt"] or 0,
        completion_tokens=totals["completion"] or 0,
        estimated=rows.filter(estimated_tokens=True).exists(),
        limit=messages_limit_for(user=user),
        overridden=UserLimit.objects.filter(user=user).exists(),
    )
