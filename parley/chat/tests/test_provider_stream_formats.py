"""The ways real providers write their event stream — CRLF line ends, keep-alive comments,
an error or garbage half-way, no finish, no usage — and what the person then sees and
what is saved."""

import pytest

from parley.chat import sse
from parley.chat.models import DailyUsage, Message, MessageStatus
from parley.chat.providers import estimate_tokens
from parley.chat.tests.conftest import answer_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]

WHOLE_ANSWER = "Hello there! Here is **bold** text."


def _answer(conversation):
    return Message.objects.get(conversation__public_id=conversation, role="assistant")


def test_an_answer_with_crlf_line_ends_and_keep_alives_arrives_whole(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("crlf-keepalive"))

    status, events = person.send(conversation, "Hi there")

    assert status == 200
    names = [name for name, _ in events if name != "html"]  # renderings come between tokens
    assert names == ["start"] + ["token"] * 8 + ["done"]
    assert answer_text(events) == WHOLE_ANSWER
    assert events[-1][1]["usage"] == {"prompt_tokens": 11, "completion_tokens": 8}
    answer = _answer(conversation)
    assert (answer.status, answer.content) == (MessageStatus.COMPLETE, WHOLE_ANSWER)
    assert (answer.prompt_tokens, answer.completion_tokens, answer.tokens_estimated) == (
        11,
        8,
        False,
    )


@pytest.mark.parametrize("mode", ["midstream-error", "error-event"])
def test_an_error_in_the_middle_of_the_stream_keeps_the_partial_answer(
    chatter, provider_model, mode
):
    person = chatter()
    conversation = person.new(provider_model(mode))

    _, events = person.send(conversation, "Tell me")

    assert answer_text(events) == "Hello there!"
    name, data = events[-1]
    assert (name, data["code"]) == ("error", "provider_error")
    assert data["message"] == "The model's provider returned an error. Try again in a moment."
    assert data["html"] == "<p>Hello there!</p>\n"
    answer = _answer(conversation)
    assert (answer.status, answer.content, answer.error_code) == (
        MessageStatus.FAILED,
        "Hello there!",
        "provider_error",
    )
    assert "The partial answer is kept above." in person.http.get(f"/c/{conversation}/").text


@pytest.mark.parametrize("mode", ["garbled", "deep", "runaway", "no-finish"])
def test_a_stream_that_goes_wrong_is_saved_as_cut_off(chatter, provider_model, monkeypatch, mode):
    monkeypatch.setattr(sse, "MAX_EVENT_BYTES", 256 * 1024)  # "runaway" sends 1 MB in one event
    person = chatter()
    conversation = person.new(provider_model(mode))

    _, events = person.send(conversation, "Tell me")

    assert answer_text(events) == "Hello there!"
    name, data = events[-1]
    assert (name, data["code"]) == ("error", "provider_stream_cut")
    assert data["message"] == "The answer was cut off by the model's provider. Try regenerating it."
    answer = _answer(conversation)
    assert (answer.status, answer.content, answer.error_code) == (
        MessageStatus.FAILED,
        "Hello there!",
        "provider_stream_cut",
    )


@pytest.mark.parametrize("mode", ["midstream-error", "garbled"])
def test_tokens_that_arrive_together_with_a_bad_event_are_kept(chatter, provider_model, mode):
    person = chatter()
    conversation = person.new(provider_model(f"{mode}:together"))

    _, events = person.send(conversation, "Tell me")

    assert events[-1][0] == "error"
    assert answer_text(events) == "Hello there!"
    assert _answer(conversation).content == "Hello there!"


def test_without_usage_from_the_provider_the_tokens_are_estimated(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("no-usage"))

    _, events = person.send(conversation, "Hi there")

    assert answer_text(events) == WHOLE_ANSWER
    estimate = {
        "prompt_tokens": estimate_tokens("Hi there"),
        "completion_tokens": estimate_tokens(WHOLE_ANSWER),
    }
    assert events[-1] == ("done", {"html": events[-1][1]["html"], "usage": estimate})
    answer = _answer(conversation)
    assert (answer.status, answer.content) == (MessageStatus.COMPLETE, WHOLE_ANSWER)
    assert (answer.prompt_tokens, answer.completion_tokens, answer.tokens_estimated) == (
        estimate["prompt_tokens"],
        estimate["completion_tokens"],
        True,
    )
    assert DailyUsage.objects.get().estimated_tokens
