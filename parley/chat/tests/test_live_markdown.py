"""An answer is rendered as markdown while it streams, not only once it is finished."""

import pytest

from parley.chat import stream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def test_markdown_is_rendered_mid_stream(chatter, provider_model):
    person = chatter()
    conversation = person.new(provider_model("tokens:30:20"))
    _, events = person.send(conversation, "Hi")
    names = [name for name, _ in events]
    renderings = [i for i, name in enumerate(names) if name == "html"]
    assert len(renderings) >= 2
    assert renderings[0] < names.index("done")
    assert all(names[i - 1] == "token" for i in renderings)  # each follows the text it covers


def test_renderings_are_spaced_more_widely_when_many_answers_stream_or_answers_are_long():
    base = stream.snapshot_interval(streaming=1, chars=100)
    assert base == stream.SNAPSHOT_SECONDS
    assert stream.snapshot_interval(streaming=stream.SNAPSHOT_BUDGET * 4, chars=100) == base * 4
    assert stream.snapshot_interval(streaming=1, chars=stream.SNAPSHOT_CHARS * 3) == base * 3
