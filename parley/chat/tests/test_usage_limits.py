"""Usage per person (messages, prompt and answer tokens) and the daily message limits an
admin sets: instance-wide, with personal overrides; a clear message when reached."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from parley.chat import conversations, replies
from parley.chat import usage as chat_usage
from parley.chat.errors import UsageLimitReached
from parley.chat.models import DailyUsage, Message


@pytest.fixture
def person(make_user):
    return make_user(email="pat@example.com")


def _send(user, conversation, text="hi"):
    return replies.start_reply(user=user, public_id=conversation.public_id, content=text)


@pytest.mark.django_db
def test_the_instance_limit_stops_the_next_message_with_a_clear_message(person):
    chat_usage.set_instance_limit(messages_per_day=2)
    conversation = conversations.create_conversation(user=person)
    _send(person, conversation)
    _send(person, conversation)
    with pytest.raises(UsageLimitReached) as refused:
        _send(person, conversation)
    assert refused.value.user_message.startswith("You have reached your limit of 2 messages a day.")
    assert refused.value.status == 429
    assert Message.objects.filter(role="user").count() == 2  # the refused one was not saved


@pytest.mark.django_db
def test_a_personal_limit_overrides_the_instance_limit(person, make_user):
    chat_usage.set_instance_limit(messages_per_day=1)
    chat_usage.set_user_limit(user=person, override=True, messages_per_day=None)  # unlimited
    conversation = conversations.create_conversation(user=person)
    for _ in range(3):
        _send(person, conversation)
    other = make_user()
    theirs = conversations.create_conversation(user=other)
    _send(other, theirs)
    with pytest.raises(UsageLimitReached):
        _send(other, theirs)
    chat_usage.set_user_limit(user=person, override=False, messages_per_day=None)
    assert chat_usage.messages_limit_for(user=person) == 1


@pytest.mark.django_db
def test_a_zero_limit_blocks_chatting(person):
    chat_usage.set_user_limit(user=person, override=True, messages_per_day=0)
    with pytest.raises(UsageLimitReached):
        _send(person, conversations.create_conversation(user=person))


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
@pytest.mark.parametrize("limit_from", ["instance", "group", "personal"])
def test_twenty_simultaneous_messages_against_a_limit_of_five_let_exactly_five_through(
    person, make_group, limit_from
):
    """On SQLite and, in scripts/test's second pass, on PostgreSQL: each message's check and
    count are one transaction holding the person's usage row."""
    if limit_from == "instance":
        chat_usage.set_instance_limit(messages_per_day=5)
    elif limit_from == "group":
        group = make_group("Support", person)
        chat_usage.set_group_limits(group=group, values={"messages_per_day": 5})
    else:
        chat_usage.set_user_limit(user=person, override=True, messages_per_day=5)
    chats = [conversations.create_conversation(user=person) for _ in range(20)]
    start = threading.Barrier(20)

    def attempt(conversation):
        from django.db import connection

        try:
            start.wait()
            _send(person, conversation)
            return True
        except UsageLimitReached:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(attempt, chats))
    assert results.count(True) == 5
    assert DailyUsage.objects.get().messages == 5
    assert Message.objects.filter(role="user").count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(30)
def test_tokens_are_recorded_from_the_provider_and_the_limit_reaches_the_page(
    chatter, provider_model
):
    person = chatter()
    conversation = person.new(provider_model("normal"))
    person.send(conversation, "one")
    person.send(conversation, "two")
    usage = DailyUsage.objects.get(user=person.user)
    assert (usage.messages, usage.prompt_tokens, usage.completion_tokens) == (2, 22, 16)
    assert not usage.estimated_tokens

    chat_usage.set_instance_limit(messages_per_day=2)
    status, body = person.send(conversation, "three")
    assert (status, body["code"]) == (429, "usage_limit_reached")
    assert "limit of 2 messages a day" in body["message"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(30)
def test_the_demo_models_tokens_are_estimated(chatter):
    person = chatter()
    person.send(person.new(), "hello")
    usage = DailyUsage.objects.get(user=person.user)
    assert usage.completion_tokens > 0 and usage.estimated_tokens
