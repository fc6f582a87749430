"""The real streaming path: the ASGI handler on a live port, the openai SDK, a fake
OpenAI-compatible server; what is streamed and what is saved."""

import pytest

from parley.chat.models import DailyUsage, Message, MessageStatus
from parley.chat.tests.conftest import answer_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def test_answer_streams_token_by_token_and_is_saved(chatter, provider_model):
    model = provider_model("normal")
    person = chatter()
    conversation = person.new(model)

    status, events = person.send(conversation, "Hi there")

    assert status == 200
    names = [name for name, _ in events]
    assert names[0] == "start" and names[-1] == "done"
    assert names.count("token") == 8
    assert answer_text(events) == "Hello there! Here is **bold** text."
    assert "<strong>bold</strong>" in events[-1][1]["html"]
    user_message, answer = Message.objects.filter(conversation__public_id=conversation)
    assert (user_message.role, user_message.content) == ("user", "Hi there")
    assert answer.status == MessageStatus.COMPLETE
    assert answer.content == "Hello there! Here is **bold** text."
    assert (answer.prompt_tokens, answer.completion_tokens, answer.tokens_estimated) == (
        11,
        8,
        False,
    )
    assert answer.model_label == "normal"


def test_the_first_message_titles_the_conversation(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model())
    _, events = person.send(conversation, "  How do   tides work?  ")
    assert events[0][1]["title"] == "How do tides work?"


def test_a_fresh_instance_answers_with_the_demo_model(chatter):
    person = chatter()
    conversation = person.new()
    status, events = person.send(conversation, "What can you do?")
    assert status == 200
    assert events[0][1]["model"] == "Demo model (offline)"
    assert "demo model" in answer_text(events)
    assert '<pre><code class="language-python">' in events[-1][1]["html"]
    answer = Message.objects.get(conversation__public_id=conversation, role="assistant")
    assert answer.status == MessageStatus.COMPLETE and answer.tokens_estimated


def test_the_model_receives_the_conversation_so_far(chatter, provider_model, fake_provider):
    person = chatter()
    conversation = person.new(provider_model("echo"))
    person.send(conversation, "first")
    _, events = person.send(conversation, "second")
    assert answer_text(events) == "You said: second"
    sent = fake_provider.app.requests[-1]
    assert [m["content"] for m in sent["body"]["messages"]] == [
        "first",
        "You said: first",
        "second",
    ]
    assert sent["body"]["stream"] is True
    assert sent["body"]["stream_options"] == {"include_usage": True}
    assert sent["headers"]["authorization"] == "Bearer sk-test-abcdef123456"


def test_regenerate_replaces_the_last_answer_and_keeps_the_old_one(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("normal"))
    person.send(conversation, "Hi")
    first = Message.objects.get(role="assistant")

    status, events = person.send(conversation, regenerate=True)

    assert status == 200 and events[-1][0] == "done"
    first.refresh_from_db()
    assert first.superseded  # kept, to browse back to
    current = Message.objects.get(role="assistant", superseded=False)
    assert current.pk != first.pk
    assert Message.objects.filter(role="user").count() == 1
    assert DailyUsage.objects.get().messages == 2  # a regeneration asks the model again


def test_picking_another_model_for_a_conversation(chatter, provider_model):
    person = chatter()
    conversation = person.new()  # the demo model
    echo = provider_model("echo")
    _, events = person.send(conversation, "switch", model=echo.pk)
    assert answer_text(events) == "You said: switch"
    from parley.chat.models import Conversation

    assert Conversation.objects.get(public_id=conversation).model == echo


def test_a_disabled_model_cannot_be_used(chatter, provider_model):
    from parley.chat.models import ChatModel

    person = chatter()
    conversation = person.new()
    model = provider_model("normal")
    ChatModel.objects.filter(pk=model.pk).update(enabled=False)
    status, body = person.send(conversation, "hi", model=model.pk)
    assert status == 409
    assert body["message"] == "That model is not available. Pick another one."
    assert not Message.objects.exists()
