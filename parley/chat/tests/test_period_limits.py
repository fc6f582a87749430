"""Limits per group and period: a personal override beats the groups, the most generous
group wins, tokens count, and periods reset at midnight in the instance's time zone."""

import datetime

import pytest
from django.utils import timezone

from parley.accounts.models import InstanceSettings
from parley.chat import conversations, limits, replies
from parley.chat import usage as chat_usage
from parley.chat.errors import UsageLimitReached
from parley.chat.models import DailyUsage


def _send(user, conversation):
    return replies.start_reply(user=user, public_id=conversation.public_id, content="hi")


@pytest.mark.django_db
def test_a_group_limit_applies_to_each_member_and_the_most_generous_group_wins(
    make_user, make_group
):
    person, other = make_user(), make_user()
    chat_usage.set_group_limits(
        group=make_group("Small", person, other), values={"messages_per_day": 1}
    )
    chat_usage.set_group_limits(group=make_group("Big", person), values={"messages_per_day": 2})
    mine, theirs = (
        conversations.create_conversation(user=person),
        conversations.create_conversation(user=other),
    )
    _send(person, mine)
    _send(person, mine)
    _send(other, theirs)  # a limit per member, not a pool
    with pytest.raises(UsageLimitReached) as refused:
        _send(person, mine)
    assert "limit of 2 messages a day" in refused.value.user_message
    with pytest.raises(UsageLimitReached):
        _send(other, theirs)


@pytest.mark.django_db
def test_a_personal_override_beats_the_groups(make_user, make_group):
    person = make_user()
    chat_usage.set_group_limits(group=make_group("Big", person), values={"messages_per_day": 5})
    chat_usage.set_user_limit(user=person, override=True, values={"messages_per_week": 1})
    conversation = conversations.create_conversation(user=person)
    _send(person, conversation)
    with pytest.raises(UsageLimitReached) as refused:
        _send(person, conversation)
    assert "limit of 1 message a week" in refused.value.user_message


@pytest.mark.django_db
def test_used_up_tokens_refuse_the_next_message_until_the_month_resets(make_user):
    person = make_user()
    chat_usage.set_instance_limits(values={"tokens_per_month": 100})
    today = limits.local_today()
    DailyUsage.objects.create(
        user=person, day=today.replace(day=1), prompt_tokens=60, completion_tokens=40
    )
    with pytest.raises(UsageLimitReached) as refused:
        _send(person, conversations.create_conversation(user=person))
    resets = limits.next_reset("month", today)
    assert "limit of 100 tokens a month" in refused.value.user_message
    assert f"{resets.day} {resets:%b} at 00:00 (UTC)" in refused.value.user_message


@pytest.mark.django_db
def test_the_day_resets_at_midnight_in_the_instance_time_zone(make_user, monkeypatch):
    InstanceSettings.objects.update_or_create(pk=1, defaults={"time_zone": "America/New_York"})
    person = make_user()
    chat_usage.set_instance_limits(values={"messages_per_day": 1})
    conversation = conversations.create_conversation(user=person)
    # 23:30 in New York on 1 March is already 2 March in UTC.
    late = datetime.datetime(2026, 3, 2, 4, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    _send(person, conversation)
    assert DailyUsage.objects.get().day == datetime.date(2026, 3, 1)
    with pytest.raises(UsageLimitReached) as refused:
        _send(person, conversation)
    assert "Mon 2 Mar at 00:00 (America/New_York)" in refused.value.user_message
    monkeypatch.setattr(timezone, "now", lambda: late + datetime.timedelta(minutes=31))
    _send(person, conversation)  # 00:01 in New York: a new day


@pytest.mark.django_db
def test_an_unknown_time_zone_is_refused(admin_client):
    page = admin_client.post("/admin/usage/", {"action": "time_zone", "time_zone": "Mars/Base"})
    assert "“Mars/Base” is not a time zone" in page.content.decode()
    assert InstanceSettings.objects.get_or_create(pk=1)[0].time_zone == "UTC"
