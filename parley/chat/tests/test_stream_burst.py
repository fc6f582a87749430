"""A burst of people sending at the same moment: more streams than may start at once
(stream.STARTING_AT_ONCE) all get their whole answer, and answer side by side."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from parley.chat import stream
from parley.chat.models import Message, MessageStatus
from parley.chat.tests.conftest import answer_text, parse_events

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]

TOKENS = 30
ANSWER = "".join(f"t{i} " for i in range(TOKENS))


def test_a_burst_of_more_streams_than_start_at_once_all_get_whole_answers(
    chatter, provider_model, make_user
):
    model = provider_model(f"tokens:{TOKENS}:10")  # each answer takes 300 ms or more
    count = 3 * stream.STARTING_AT_ONCE + 1
    users = [make_user() for _ in range(4)]
    people = [chatter(users[i % len(users)]) for i in range(count)]  # one HTTP client each
    conversations = [person.new(model) for person in people]
    all_ready = threading.Barrier(count)

    def send(person, conversation):
        all_ready.wait()
        with person.post_stream(conversation, {"content": "Count"}) as response:
            streaming_from = time.monotonic()  # the stream has started: its headers are in
            response.read()
        return streaming_from, time.monotonic(), parse_events(response.text)

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(send, people, conversations))

    for _, _, events in results:
        assert events[-1][0] == "done", events[-1]
        assert answer_text(events) == ANSWER
    answers = Message.objects.filter(role="assistant")
    assert answers.count() == count
    assert {(answer.status, answer.content) for answer in answers} == {
        (MessageStatus.COMPLETE, ANSWER)
    }
    # The gate holds back only the start-up work: once started, the answers stream together.
    most_at_once = max(
        sum(start <= moment < end for start, end, _ in results) for moment, _, _ in results
    )
    assert most_at_once > stream.STARTING_AT_ONCE
