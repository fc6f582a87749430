"""Regenerated answers stay browsable; an edited message replaces what followed it, which
the model no longer sees; no one edits or regenerates in someone else's conversation."""

import pytest

from parley.chat import conversations
from parley.chat.models import Conversation, Message
from parley.chat.tests.conftest import answer_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def test_regenerated_answers_are_versions_of_one_answer(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("normal"))
    person.send(conversation, "Hi")
    person.send(conversation, regenerate=True)
    person.send(conversation, regenerate=True)
    found = Conversation.objects.get(public_id=conversation)
    thread = conversations.conversation_thread(conversation=found)
    assert [m.role for m in thread] == ["user", "assistant"]
    assert len(thread[1].versions) == 3 and thread[1].versions[-1] == thread[1]
    page = person.http.get(f"/c/{conversation}/").text
    assert "3/3" in page and page.count('class="version"') == 3


def test_the_model_does_not_see_a_replaced_answer(chatter, provider_model, fake_provider):
    person = chatter()
    model = provider_model("echo")
    conversation = person.new(model)
    person.send(conversation, "first")
    person.send(conversation, regenerate=True)
    person.send(conversation, "second")
    sent = fake_provider.app.requests[-1]["body"]["messages"]
    assert [m["content"] for m in sent] == ["first", "You said: first", "second"]


def test_an_edited_message_replaces_it_and_what_followed(chatter, provider_model, fake_provider):
    person = chatter()
    conversation = person.new(provider_model("echo"))
    person.send(conversation, "one")
    _, events = person.send(conversation, "two")
    two = events[0][1]["user_message"]
    person.send(conversation, "three")

    status, events = person.send(conversation, "TWO", edit=two)

    assert status == 200 and answer_text(events) == "You said: TWO"
    sent = fake_provider.app.requests[-1]["body"]["messages"]
    assert [m["content"] for m in sent] == ["one", "You said: one", "TWO"]
    shown = Message.objects.filter(superseded=False).values_list("content", flat=True)
    assert list(shown) == ["one", "You said: one", "TWO", "You said: TWO"]
    assert Message.objects.filter(superseded=True).count() == 4  # kept, not deleted
    page = person.http.get(f"/c/{conversation}/").text
    assert "three" not in page


def test_an_answer_cannot_be_edited_nor_a_replaced_message(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("echo"))
    _, events = person.send(conversation, "one")
    answer = events[0][1]["message"]
    status, body = person.send(conversation, "x", edit=answer)
    assert (status, body["code"]) == (409, "edit_not_allowed")
    person.send(conversation, "ONE", edit=events[0][1]["user_message"])
    status, body = person.send(conversation, "again", edit=events[0][1]["user_message"])
    assert (status, body["code"]) == (409, "edit_not_allowed")


def test_no_one_edits_or_regenerates_in_another_persons_conversation(chatter, provider_model):
    owner, other = chatter(), chatter()
    conversation = owner.new(provider_model("echo"))
    _, events = owner.send(conversation, "mine")
    status, body = other.send(conversation, regenerate=True)
    assert (status, body["code"]) == (404, "conversation_not_found")
    status, body = other.send(conversation, "theirs", edit=events[0][1]["user_message"])
    assert (status, body["code"]) == (404, "conversation_not_found")
    assert list(Message.objects.values_list("content", flat=True)) == ["mine", "You said: mine"]


def test_edit_must_be_a_message_id(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("echo"))
    status, body = person.send(conversation, "x", edit="1")
    assert (status, body["code"]) == (400, "bad_request")
