"""Usage limits: periods in the instance's time zone, whose limits apply, and the check."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from parley.accounts.models import InstanceSettings, User
from parley.errors import ValidationFailed
from parley.prepared import PreparedQuery

from .errors import UsageLimitReached
from .models import ChatSettings, DailyUsage, GroupLimit, UserLimit

PERIODS = ("day", "week", "month")
METRICS = ("messages", "tokens")
# (metric, period, model field) for each limit, in the order forms and pages show them.
LIMITS = [(m, p, f"{m}_per_{p}") for m in METRICS for p in PERIODS]
FIELDS = [name for _, _, name in LIMITS]


# Read before every chat message (and on pages): the ORM's SQL, written once
# (parley/prepared.py), so a stream's start does not build these queries each time.
_INSTANCE_ZONE = PreparedQuery(lambda: InstanceSettings.objects.filter(pk=1).only("time_zone")[:1])
_PERSONAL = PreparedQuery(lambda user_id: UserLimit.objects.filter(user=user_id)[:1], "user_id")
_GROUPS = PreparedQuery(
    lambda user_id: GroupLimit.objects.filter(group__memberships__user=user_id), "user_id"
)
_INSTANCE = PreparedQuery(lambda: ChatSettings.objects.filter(pk=1)[:1])


def instance_zone() -> zoneinfo.ZoneInfo:
    """Days, weeks (from Monday) and months start at midnight in this time zone."""
    row = _INSTANCE_ZONE.first()
    name = row.time_zone if row is not None else None
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # Only a name the admin form validated is ever saved; a zone database that lost it
        # since (an OS upgrade) must not stop every chat, so count in UTC meanwhile.
        return zoneinfo.ZoneInfo("UTC")


def local_today(zone: zoneinfo.ZoneInfo | None = None) -> datetime.date:
    return timezone.now().astimezone(zone or instance_zone()).date()


def period_start(period: str, today: datetime.date) -> datetime.date:
    if period == "week":
        return today - datetime.timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return today


def next_reset(period: str, today: datetime.date) -> datetime.date:
    """The first day of the next period."""
    if period == "week":
        return period_start("week", today) + datetime.timedelta(days=7)
    if period == "month":
        return (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return today + datetime.timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    """One person's limits; `source` says where they come from, for people and pages."""

    values: dict[str, int | None] = field(default_factory=dict)  # by model field name
    source: str = "instance"  # "personal", "group" or "instance"

    def any(self) -> bool:
        return any(value is not None for value in self.values.values())


def _values(row) -> dict[str, int | None]:
    return {name: getattr(row, name) if row is not None else None for name in FIELDS}


def most_generous(rows) -> dict[str, int | None]:
    """Across several groups, each limit is the largest; a group without that limit
    lets its members go unlimited on it."""
    values = {}
    for name in FIELDS:
        each = [getattr(row, name) for row in rows]
        values[name] = None if any(v is None for v in each) else max(each)
    return values


def limits_for(*, user: User) -> Limits:
    """A personal override beats the groups; the most generous of the person's groups that
    set any limit beats the instance default."""
    personal = _PERSONAL.first(user_id=user.pk)
    if personal is not None:
        return Limits(values=_values(personal), source="personal")
    groups = [
        row
        for row in _GROUPS.fetch(user_id=user.pk)
        if any(getattr(row, name) is not None for name in FIELDS)
    ]
    if groups:
        return Limits(values=most_generous(groups), source="group")
    return Limits(values=_values(_INSTANCE.first()), source="instance")


@dataclass(frozen=True)
class Used:
    """Messages and tokens in each period that contains `today`."""

    today: datetime.date
    figures: dict[str, int]  # by model field name

    def of(self, name: str) -> int:
        return self.figures[name]


def used_by(*, user_ids, today: datetime.date) -> Used:
    """Usage of one person (or the sum over several) in this day, week and month."""
    since = min(period_start("week", today), period_start("month", today))
    rows = (
        DailyUsage.objects.filter(user_id__in=list(user_ids), day__gte=since, day__lte=today)
        .values("day")
        .annotate(m=Sum("messages"), p=Sum("prompt_tokens"), c=Sum("completion_tokens"))
    )
    figures = dict.fromkeys(FIELDS, 0)
    for row in rows:
        for metric, period, name in LIMITS:
            if row["day"] >= period_start(period, today):
                figures[name] += row["m"] if metric == "messages" else row["p"] + row["c"]
    return Used(today=today, figures=figures)


def describe(metric: str, period: str, amount: int) -> str:
    noun = metric[:-1] if amount == 1 else metric
    return f"{amount:,} {noun} a {period}"


def refusal(
    *, user: User, limits: Limits, used: Used, zone: zoneinfo.ZoneInfo, adding: int
) -> UsageLimitReached | None:
    """The error refusing one more message, or None. `adding` is 1 when `used` does not
    yet count the message being checked, 0 when it does."""
    for metric, period, name in LIMITS:
        limit = limits.values.get(name)
        if limit is None:
            continue
        if metric == "messages":
            over = used.of(name) + adding > limit
        else:  # an answer's tokens are known only afterwards: refused once they are used up
            over = used.of(name) >= limit
        if over:
            return limit_reached(
                user=user, metric=metric, period=period, limit=limit, used=used, zone=zone
            )
    return None


def limit_reached(
    *, user: User, metric: str, period: str, limit: int, used: Used, zone: zoneinfo.ZoneInfo
) -> UsageLimitReached:
    resets = next_reset(period, used.today)
    when = f"{resets:%a} {resets.day} {resets:%b} at 00:00 ({zone.key})"
    return UsageLimitReached(
        f"user {user.pk}: {describe(metric, period, limit)}",
        user_message=(
            f"You have reached your limit of {describe(metric, period, limit)}. "
            f"It resets on {when}; ask your administrators if you need more."
        ),
    )


def check(*, user: User, adding: int = 1) -> UsageLimitReached | None:
    """Whether `user` may send one more message now (reads only)."""
    limits = limits_for(user=user)
    if not limits.any():
        return None
    zone = instance_zone()
    used = used_by(user_ids=[user.pk], today=local_today(zone))
    return refusal(user=user, limits=limits, used=used, zone=zone, adding=adding)


def set_time_zone(*, name: str) -> None:
    """Periods reset at midnight in `name`, an IANA time zone such as "Europe/Paris"."""
    if name not in zoneinfo.available_timezones():
        raise ValidationFailed(
            f"unknown time zone {name!r}",
            user_message=f"“{name}” is not a time zone. Use an IANA name such as Europe/Paris.",
        )
    InstanceSettings.objects.update_or_create(pk=1, defaults={"time_zone": name})


def group_limit_row(*, group) -> GroupLimit | None:
    """The group's own limits, or None when it sets none (the Usage admin page)."""
    return GroupLimit.objects.filter(group=group).first()


def user_limit_row(*, user: User) -> UserLimit | None:
    """The person's override, or None when they follow their groups or the defaults."""
    return UserLimit.objects.filter(user=user).first()
