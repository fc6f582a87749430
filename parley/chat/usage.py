"""Usage per person and day (messages, tokens): counting it and setting the limits."""

import datetime
from zoneinfo import ZoneInfo

from parley.accounts.models import User
from parley.groups.models import Group

from . import limits, writes
from .models import ChatSettings, DailyUsage, GroupLimit, UserLimit


def chat_settings() -> ChatSettings:
    return ChatSettings.objects.get_or_create(pk=1)[0]


def set_instance_limits(*, values: dict[str, int | None]) -> None:
    """The default limits, for people without a personal or group limit."""
    ChatSettings.objects.update_or_create(pk=1, defaults=_only_limits(values))


def set_instance_limit(*, messages_per_day: int | None) -> None:
    ChatSettings.objects.update_or_create(pk=1, defaults={"messages_per_day": messages_per_day})


def set_group_limits(*, group: Group, values: dict[str, int | None] | None) -> None:
    """`values=None` removes the group's limits: its members follow their other groups or
    the instance default."""
    if values is None:
        GroupLimit.objects.filter(group=group).delete()
        return
    GroupLimit.objects.update_or_create(group=group, defaults=_only_limits(values))


def set_user_limit(
    *,
    user: User,
    override: bool,
    messages_per_day: int | None = None,
    values: dict[str, int | None] | None = None,
) -> None:
    """With `override` off the person follows their groups or the instance; on, `values`
    (or just `messages_per_day`; None: unlimited) apply to them alone."""
    if not override:
        UserLimit.objects.filter(user=user).delete()
        return
    values = values if values is not None else {"messages_per_day": messages_per_day}
    UserLimit.objects.update_or_create(user=user, defaults=_only_limits(values))


def _only_limits(values: dict[str, int | None]) -> dict[str, int | None]:
    return {name: values.get(name) for name in limits.FIELDS}


def messages_limit_for(*, user: User) -> int | None:
    return limits.limits_for(user=user).values["messages_per_day"]


def _add_today(*, user_id: int, today: datetime.date, **amounts) -> None:
    # Today's row exists nearly always: try the UPDATE first, create the row only if needed.
    if not writes.add_to_day(user_id=user_id, day=today, **amounts):
        DailyUsage.objects.get_or_create(user_id=user_id, day=today)
        writes.add_to_day(user_id=user_id, day=today, **amounts)


def count_message(*, user: User, applying: limits.Limits, zone: ZoneInfo) -> None:
    """Count one message, or refuse it. Call inside a transaction: the UPDATE of today's
    row locks it (on SQLite the transaction holds the write lock), so concurrent messages
    are counted one after another and each checks every period's sum including the ones
    before it; a refusal raises and rolls the count back."""
    today = limits.local_today(zone)
    _add_today(user_id=user.pk, today=today, messages=1)
    if not applying.any():
        return
    used = limits.used_by(user_ids=[user.pk], today=today)
    refused = limits.refusal(user=user, limits=applying, used=used, zone=zone, adding=0)
    if refused is not None:
        raise refused


def count_tokens(*, user_id: int, prompt: int, completion: int, estimated: bool) -> None:
    """Add an answer's tokens to the day it ended on (which may be after midnight)."""
    _add_today(
        user_id=user_id,
        today=limits.local_today(),
        prompt=prompt,
        completion=completion,
        estimated=estimated,
    )
