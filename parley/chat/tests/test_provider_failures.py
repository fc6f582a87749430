"""When the provider fails — down, slow, refusing the key, rate limiting, erroring, cutting
the stream — the person gets a clear message in the conversation, any partial answer is
kept and marked, and nothing hangs."""

import html
import time

import pytest

from parley.chat import catalogue
from parley.chat.models import Message, MessageStatus
from parley.chat.tests.conftest import answer_text
from parley.tests.serving import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def _answer(conversation):
    """The answer shown (a regenerated one replaces, and keeps, the one before)."""
    return Message.objects.get(
        conversation__public_id=conversation, role="assistant", superseded=False
    )


@pytest.mark.parametrize(
    ("mode", "code", "shown"),
    [
        ("401", "provider_auth_failed", "refused this instance's API key"),
        ("429", "provider_rate_limited", "is busy (rate limited)"),
        ("500", "provider_error", "returned an error"),
        ("timeout", "provider_timeout", "took too long to answer"),
    ],
)
def test_a_refusal_before_any_token_is_a_clear_message(chatter, provider_model, mode, code, shown):
    person = chatter()
    conversation = person.new(provider_model(mode, timeout=1))
    started = time.monotonic()

    status, events = person.send(conversation, "Hello?")

    assert time.monotonic() - started < 5
    assert status == 200  # the stream had started; the error is its last event
    name, data = events[-1]
    assert (name, data["code"]) == ("error", code)
    assert shown in data["message"]
    answer = _answer(conversation)
    assert (answer.status, answer.error_code, answer.content) == ("failed", code, "")
    assert shown in html.unescape(person.http.get(f"/c/{conversation}/").text)


def test_a_provider_that_is_down(chatter, make_user):
    provider = catalogue.save_provider(
        provider=None,
        name="Nowhere",
        base_url=f"http://127.0.0.1:{free_port()}/v1",
        api_key="sk-x",
        timeout_seconds=2,
        model_names=["gone"],
    )
    person = chatter()
    conversation = person.new(provider.models.get())
    _, events = person.send(conversation, "Anyone?")
    assert events[-1][0] == "error"
    assert events[-1][1]["message"] == (
        "The model's provider could not be reached. Try again in a moment."
    )
    assert _answer(conversation).error_code == "provider_unavailable"


@pytest.mark.parametrize(
    ("mode", "code"), [("cut", "provider_stream_cut"), ("stall", "provider_timeout")]
)
def test_a_stream_that_breaks_keeps_the_partial_answer(chatter, provider_model, mode, code):
    person = chatter()
    conversation = person.new(provider_model(mode, timeout=1))

    _, events = person.send(conversation, "Tell me")

    assert answer_text(events) == "Hello there!"
    name, data = events[-1]
    assert (name, data["code"]) == ("error", code)
    assert data["html"] == "<p>Hello there!</p>\n"
    answer = _answer(conversation)
    assert (answer.status, answer.content, answer.error_code) == ("failed", "Hello there!", code)
    page = person.http.get(f"/c/{conversation}/").text
    assert "The partial answer is kept above." in page


def test_after_a_failure_the_answer_can_be_regenerated(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("cut"))
    person.send(conversation, "Tell me")
    good = provider_model("normal")
    _, events = person.send(conversation, regenerate=True, model=good.pk)
    assert events[-1][0] == "done"
    assert _answer(conversation).status == MessageStatus.COMPLETE
