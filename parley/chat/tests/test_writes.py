"""A message's UPDATEs in plain SQL (parley/chat/writes.py) leave the rows exactly as the
ORM's updates did: usage counted per day, the answer saved, the conversation touched; and a
deleted conversation or message is reported, not written. Also run on PostgreSQL
(scripts/test)."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from parley.chat import conversations, writes
from parley.chat.models import Conversation, DailyUsage, Message, MessageStatus, Role
from parley.chat.usage import count_tokens

DAY = datetime.date(2026, 3, 29)  # a day a clock change falls on in Europe


def _usage(user, day=DAY):
    return (
        DailyUsage.objects.filter(user=user, day=day)
        .values("messages", "prompt_tokens", "completion_tokens", "estimated_tokens")
        .get()
    )


@pytest.mark.django_db
def test_usage_adds_up_as_the_orm_adds_it(make_user):
    ours, orm = make_user(), make_user()
    for person in (ours, orm):
        DailyUsage.objects.create(user=person, day=DAY)
    steps = [
        {"messages": 1},
        {"prompt": 120, "completion": 3_000_000_000},
        {"messages": 1},
        {"prompt": 5, "completion": 7, "estimated": True},
        {"prompt": 1, "completion": 1},
    ]
    for step in steps:
        assert writes.add_to_day(user_id=ours.pk, day=DAY, **step)
        DailyUsage.objects.filter(user=orm, day=DAY).update(
            messages=F("messages") + step.get("messages", 0),
            prompt_tokens=F("prompt_tokens") + step.get("prompt", 0),
            completion_tokens=F("completion_tokens") + step.get("completion", 0),
            **({"estimated_tokens": True} if step.get("estimated") else {}),
        )
    assert _usage(ours) == _usage(orm) == {
        "messages": 2, "prompt_tokens": 126, "completion_tokens": 3_000_000_008,
        "estimated_tokens": True,
    }  # fmt: skip


@pytest.mark.django_db
def test_usage_of_another_day_or_person_is_untouched_and_a_missing_row_is_reported(make_user):
    person, other = make_user(), make_user()
    DailyUsage.objects.create(user=person, day=DAY)
    DailyUsage.objects.create(user=other, day=DAY)
    assert not writes.add_to_day(
        user_id=person.pk, day=DAY + datetime.timedelta(days=1), messages=1
    )
    assert writes.add_to_day(user_id=person.pk, day=DAY, messages=1)
    assert _usage(other)["messages"] == 0 and _usage(person)["messages"] == 1


@pytest.mark.django_db
def test_the_first_tokens_of_a_day_create_its_row(make_user):
    person = make_user()
    count_tokens(user_id=person.pk, prompt=3, completion=4, estimated=False)
    (row,) = DailyUsage.objects.filter(user=person)
    assert (row.prompt_tokens, row.completion_tokens, row.estimated_tokens) == (3, 4, False)


@pytest.mark.django_db
def test_a_finished_answer_and_its_conversation_are_saved_as_the_orm_would(make_user):
    person = make_user()
    conversation = conversations.create_conversation(user=person)
    answer = Message.objects.create(
        conversation=conversation, role=Role.ASSISTANT, status=MessageStatus.STREAMING
    )
    fields = {"content": "Ünïcode ✓ 'quotes' %s", "html": "<p>x</p>",
              "status": MessageStatus.FAILED, "error_code": "provider_timeout",
              "error_message": "The model took too long.", "prompt_tokens": 12,
              "completion_tokens": 0, "tokens_estimated": True}  # fmt: skip
    assert writes.finish_message(message_id=answer.pk, fields=fields)
    saved = Message.objects.filter(pk=answer.pk).values(*fields).get()
    assert saved == fields
    at = timezone.now() + datetime.timedelta(minutes=5)
    assert writes.touch_conversation(conversation_id=conversation.pk, at=at, title="New title")
    conversation.refresh_from_db()
    assert (conversation.updated_at, conversation.title, conversation.model_id) == (
        at,
        "New title",
        None,
    )
    later = at + datetime.timedelta(seconds=1)
    assert writes.touch_conversation(conversation_id=conversation.pk, at=later)
    conversation.refresh_from_db()
    assert conversation.updated_at == later and conversation.title == "New title"


@pytest.mark.django_db
def test_writes_to_a_deleted_conversation_or_answer_report_it(make_user):
    person = make_user()
    conversation = conversations.create_conversation(user=person)
    answer = Message.objects.create(conversation=conversation, role=Role.ASSISTANT)
    pk, answer_pk = conversation.pk, answer.pk
    Conversation.objects.filter(pk=pk).delete()
    assert not writes.touch_conversation(conversation_id=pk, at=timezone.now())
    assert not writes.finish_message(
        message_id=answer_pk,
        fields={f: "" for f in writes._FINISHED} | {"prompt_tokens": 0, "completion_tokens": 0,
                                                    "tokens_estimated": False},
    )  # fmt: skip
