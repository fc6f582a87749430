"""The reply's writes after the reads were split out of the write transaction
(replies.prepare_reply / commit_reply / finish_reply; bench/README.md "Chat streaming")."""

import pytest

from parley.chat import conversations, replies
from parley.chat.errors import ConversationNotFound
from parley.chat.models import Conversation, DailyUsage, Message, MessageStatus
from parley.chat.providers import Usage


@pytest.fixture
def person(make_user):
    return make_user(email="pat@example.com")


@pytest.mark.django_db
def test_a_conversation_deleted_between_the_reads_and_the_write_saves_nothing(person):
    conversation = conversations.create_conversation(user=person)
    request = replies.prepare_reply(user=person, public_id=conversation.public_id, content="hi")
    Conversation.objects.filter(pk=conversation.pk).delete()
    with pytest.raises(ConversationNotFound):
        replies.commit_reply(request=request)
    assert not Message.objects.exists()
    assert not DailyUsage.objects.filter(messages__gt=0).exists()


@pytest.mark.django_db
def test_a_reply_saves_both_messages_in_order_and_the_answer_at_the_end(person):
    conversation = conversations.create_conversation(user=person)
    replies.start_reply(user=person, public_id=conversation.public_id, content="first")
    plan = replies.start_reply(user=person, public_id=conversation.public_id, content="second")
    assert plan.history == [
        {"role": "user", "content": "first"},
        {"role": "user", "content": "second"},
    ]
    mine, answer = Message.objects.order_by("-id")[:2][::-1]
    assert (mine.pk, mine.role, mine.content) == (plan.user_message_id, "user", "second")
    assert (answer.pk, answer.status) == (plan.assistant_message_id, MessageStatus.STREAMING)
    conversation.refresh_from_db()
    assert conversation.title == "first"

    saved = replies.finish_reply(
        plan=plan, content="**ok**", status="complete", usage=Usage(7, 2, False)
    )
    assert "<strong>ok</strong>" in saved.html
    answer.refresh_from_db()
    assert (answer.content, answer.status, answer.prompt_tokens) == ("**ok**", "complete", 7)
    assert answer.html == saved.html
    usage = DailyUsage.objects.get(user=person)
    assert (usage.messages, usage.prompt_tokens, usage.completion_tokens) == (2, 7, 2)


@pytest.mark.django_db
def test_finishing_after_the_conversation_was_deleted_saves_nothing(person):
    conversation = conversations.create_conversation(user=person)
    plan = replies.start_reply(user=person, public_id=conversation.public_id, content="hi")
    conversations.delete_conversation(user=person, public_id=conversation.public_id)
    assert replies.finish_reply(plan=plan, content="late", status="complete", usage=None) is None
