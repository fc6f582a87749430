"""Stop: the page aborts the request; the server stops asking the model and keeps what had
arrived, marked "stopped"."""

import time

import pytest

from parley.chat.models import Message, MessageStatus
from parley.tests.polling import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def test_stopping_keeps_the_partial_answer_marked_stopped(chatter, provider_model, fake_provider):
    person = chatter()
    conversation = person.new(provider_model("slow"))  # 200 tokens, 50 ms apart
    started = time.monotonic()
    with person.post_stream(conversation, {"content": "Go on"}) as response:
        tokens = 0
        for line in response.iter_lines():
            if line.startswith("event: token"):
                tokens += 1
                if tokens == 5:
                    break  # leaving the block closes the connection: the Stop button
    answer = lambda: Message.objects.get(role="assistant")  # noqa: E731

    wait_until(lambda: answer().status == MessageStatus.STOPPED, seconds=5, what="stopped")
    assert time.monotonic() - started < 5  # far less than the 10 s the whole answer takes
    assert answer().content.startswith("word0 word1 word2 word3 word4")
    assert answer().content.count("word") < 40
    page = person.http.get(f"/c/{conversation}/").text
    assert "Stopped — this answer is incomplete." in page
