"""What the admin's Usage page reads: each group and person this period against their
limits, usage per day for the chart, and the same figures as CSV rows."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum

from parley.accounts.models import User
from parley.groups.models import Group, Membership

from . import limits
from .models import ChatSettings, DailyUsage, GroupLimit, UserLimit

CHART_DAYS = 30


@dataclass(frozen=True)
class Figure:
    """One group's or one person's usage in the period and the limit it counts against
    (for a group: each member's limit)."""

    kind: str  # "group" or "person"
    key: str  # the group's id or the person's public id
    name: str
    messages: int
    tokens: int
    estimated: bool
    message_limit: int | None
    token_limit: int | None
    limit_source: str  # "personal", "group", "instance"
    members: int | None = None


@dataclass(frozen=True)
class Report:
    period: str
    start: datetime.date
    today: datetime.date
    zone: str
    groups: list[Figure]
    people: list[Figure]


def _sums(rows, key: str) -> dict:
    totals = defaultdict(lambda: [0, 0, False])
    for row in rows:
        found = totals[row[key]]
        found[0] += row["messages"]
        found[1] += row["prompt_tokens"] + row["completion_tokens"]
        found[2] = found[2] or row["estimated_tokens"]
    return totals


def limits_of(user_ids) -> dict[int, limits.Limits]:
    """limits.limits_for for many people in four queries."""
    personal = {row.user_id: row for row in UserLimit.objects.filter(user_id__in=user_ids)}
    group_limits = {
        row.group_id: row
        for row in GroupLimit.objects.all()
        if any(getattr(row, name) is not None for name in limits.FIELDS)
    }
    groups_of = defaultdict(list)
    for user_id, group_id in Membership.objects.filter(
        user_id__in=user_ids, group_id__in=list(group_limits)
    ).values_list("user_id", "group_id"):
        groups_of[user_id].append(group_limits[group_id])
    instance = ChatSettings.objects.filter(pk=1).first()
    default = limits.Limits(
        values={name: getattr(instance, name, None) for name in limits.FIELDS}, source="instance"
    )
    found = {}
    for user_id in user_ids:
        if user_id in personal:
            values = {name: getattr(personal[user_id], name) for name in limits.FIELDS}
            found[user_id] = limits.Limits(values=values, source="personal")
        elif groups_of[user_id]:
            values = limits.most_generous(groups_of[user_id])
            found[user_id] = limits.Limits(values=values, source="group")
        else:
            found[user_id] = default
    return found


def report(*, period: str, query: str = "") -> Report:
    """Groups by name, then people busiest first (those who ever chatted, or `query`)."""
    zone = limits.instance_zone()
    today = limits.local_today(zone)
    start = limits.period_start(period, today)
    rows = DailyUsage.objects.filter(day__gte=start, day__lte=today).values(
        "user_id", "messages", "prompt_tokens", "completion_tokens", "estimated_tokens"
    )
    by_user = _sums(rows, "user_id")
    people = User.objects.filter(chat_usage__isnull=False).distinct()
    if query.strip():
        q = query.strip()
        people = people.filter(Q(public_id__icontains=q) | Q(email__icontains=q))
    people = list(people)
    applying = limits_of([person.pk for person in people])
    person_figures = [
        Figure(
            kind="person",
            key=person.public_id,
            name=person.display_name,
            messages=by_user[person.pk][0],
            tokens=by_user[person.pk][1],
            estimated=by_user[person.pk][2],
            message_limit=applying[person.pk].values[f"messages_per_{period}"],
            token_limit=applying[person.pk].values[f"tokens_per_{period}"],
            limit_source=applying[person.pk].source,
        )
        for person in people
    ]
    person_figures.sort(key=lambda f: (-f.messages, -f.tokens, f.name))
    return Report(
        period=period,
        start=start,
        today=today,
        zone=zone.key,
        groups=_group_figures(period=period, by_user=by_user),
        people=person_figures,
    )


def _group_figures(*, period: str, by_user) -> list[Figure]:
    members = defaultdict(list)
    for group_id, user_id in Membership.objects.values_list("group_id", "user_id"):
        members[group_id].append(user_id)
    group_limits = {row.group_id: row for row in GroupLimit.objects.all()}
    figures = []
    for group in Group.objects.all():
        ids = members[group.pk]
        row = group_limits.get(group.pk)
        figures.append(
            Figure(
                kind="group",
                key=str(group.pk),
                name=group.name,
                messages=sum(by_user[i][0] for i in ids if i in by_user),
                tokens=sum(by_user[i][1] for i in ids if i in by_user),
                estimated=any(by_user[i][2] for i in ids if i in by_user),
                message_limit=getattr(row, f"messages_per_{period}", None),
                token_limit=getattr(row, f"tokens_per_{period}", None),
                limit_source="group",
                members=len(ids),
            )
        )
    return figures


@dataclass(frozen=True)
class Day:
    day: datetime.date
    messages: int
    tokens: int


def daily(*, user_ids=None, today: datetime.date | None = None) -> list[Day]:
    """Usage per day over the last CHART_DAYS days (everyone's, or the sum over `user_ids`),
    days without any included."""
    today = today or limits.local_today()
    first = today - datetime.timedelta(days=CHART_DAYS - 1)
    rows = DailyUsage.objects.filter(day__gte=first, day__lte=today)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    sums = {
        row["day"]: row
        for row in rows.values("day").annotate(
            m=Sum("messages"), p=Sum("prompt_tokens"), c=Sum("completion_tokens")
        )
    }
    days = []
    for offset in range(CHART_DAYS):
        day = first + datetime.timedelta(days=offset)
        row = sums.get(day)
        days.append(Day(day, row["m"] if row else 0, (row["p"] + row["c"]) if row else 0))
    return days


def csv_rows(found: Report) -> list[list[str]]:
    header = ["kind", "id", "name", "members", "period", "period_start", "messages",
              "message_limit", "tokens", "token_limit", "limit_from"]  # fmt: skip
    rows = [header]
    for figure in [*found.groups, *found.people]:
        rows.append(
            [
                figure.kind,
                figure.key,
                _cell(figure.name),
                "" if figure.members is None else str(figure.members),
                found.period,
                found.start.isoformat(),
                str(figure.messages),
                "" if figure.message_limit is None else str(figure.message_limit),
                str(figure.tokens),
                "" if figure.token_limit is None else str(figure.token_limit),
                figure.limit_source,
            ]
        )
    return rows


def _cell(text: str) -> str:
    """A spreadsheet runs a cell starting with =, +, - or @ as a formula; names come
    from tokens and people, so such a cell is quoted as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
