"""Reading a provider's event stream (parley/chat/sse.py): the same events however the
bytes are cut into reads, whatever line ends and extra lines a provider sends."""

import pytest

from parley.chat import sse
from parley.chat.sse import EventStreamDecoder, EventTooLarge

CHUNK = b'{"choices":[{"delta":{"content":"Hi"}}]}'

STREAMS = {
    "lf": (b"data: " + CHUNK + b"\n\ndata: [DONE]\n\n", [CHUNK, b"[DONE]"]),
    "crlf": (b"data: " + CHUNK + b"\r\n\r\ndata: [DONE]\r\n\r\n", [CHUNK, b"[DONE]"]),
    "crlf, one event of two lines": (b"data: a\r\ndata: b\r\n\r\n", [b"a\nb"]),
    "lone cr": (b"data: one\r\rdata: two\r\rdata: three\r\n\r\n", [b"one", b"two", b"three"]),
    "comments and mixed line ends": (
        b": OPENROUTER PROCESSING\r\n\r\ndata: a\r\n: keep-alive\ndata: b\r\r: keep-alive\n\n",
        [b"a\nb"],
    ),
}


def _data(events):
    return [data for _, data in events]


def _feed_all(chunks):
    decoder = EventStreamDecoder()
    return [event for chunk in chunks for event in decoder.feed(chunk)]


@pytest.mark.parametrize(("stream", "expected"), STREAMS.values(), ids=STREAMS.keys())
def test_the_events_are_the_same_wherever_the_reads_split_the_stream(stream, expected):
    assert _data(_feed_all([stream])) == expected
    for cut in range(len(stream) + 1):
        assert _data(_feed_all([stream[:cut], stream[cut:]])) == expected, cut
    assert _data(_feed_all([stream[i : i + 1] for i in range(len(stream))])) == expected


def _per_read(reads):
    decoder = EventStreamDecoder()
    return [_data(decoder.feed(read)) for read in reads]


def test_each_event_comes_from_the_read_that_ends_it_even_with_a_crlf_split_between_reads():
    reads = [b"data: a\r", b"\ndata: b\r", b"\n\r", b"\ndata: c\r\n\r\n", b"data: d\r\r"]
    assert _per_read(reads) == [[], [], [b"a\nb"], [b"c"], [b"d"]]


def test_a_read_of_only_the_lf_of_a_split_crlf_does_not_swallow_the_next_blank_line():
    assert _per_read([b"data: a\r", b"\n", b"\ndata: b\n\n"]) == [[], [], [b"a", b"b"]]


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (b": keep-alive\n\ndata: x\n\n: OPENROUTER PROCESSING\n\n", [("message", b"x")]),
        (b"data: a\ndata: b\ndata: c\n\n", [("message", b"a\nb\nc")]),
        (
            b"data:tight\n\ndata:  two spaces\n\n",
            [("message", b"tight"), ("message", b" two spaces")],
        ),
        (b"data\n\n", [("message", b"")]),
        (b"event: error\ndata: {}\n\ndata: next\n\n", [("error", b"{}"), ("message", b"next")]),
        (b"id: 7\nretry: 1000\nfoo: bar\ndata: x\n\n", [("message", b"x")]),
        (b"\n\n\nevent: ping\n\nid: 1\n\ndata: x\n\n", [("message", b"x")]),
    ],
    ids=[
        "comments",
        "several data lines",
        "no space after the colon",
        "an empty data line",
        "event names",
        "id, retry and unknown fields",
        "blank lines without data",
    ],
)
def test_fields_are_read_as_the_event_stream_format_says(stream, expected):
    assert EventStreamDecoder().feed(stream) == expected


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: " + b"x" * 40] * 3,  # a line that never ends
        [b"data: " + b"x" * 40 + b"\n"] * 3,  # lines that never end the event
    ],
    ids=["one long line", "many lines"],
)
def test_a_runaway_event_is_refused_before_it_fills_the_memory(monkeypatch, chunks):
    monkeypatch.setattr(sse, "MAX_EVENT_BYTES", 100)
    decoder = EventStreamDecoder()
    decoder.feed(chunks[0])
    decoder.feed(chunks[1])
    with pytest.raises(EventTooLarge):
        decoder.feed(chunks[2])


def test_a_too_large_event_is_refused_even_when_it_arrives_whole(monkeypatch):
    monkeypatch.setattr(sse, "MAX_EVENT_BYTES", 100)
    with pytest.raises(EventTooLarge):
        EventStreamDecoder().feed(b"data: " + b"x" * 150 + b"\n\n")


def test_many_events_under_the_size_limit_are_fine_together(monkeypatch):
    monkeypatch.setattr(sse, "MAX_EVENT_BYTES", 100)
    decoder = EventStreamDecoder()
    events = [decoder.feed(b"data: " + b"x" * 90 + b"\n\n") for _ in range(5)]
    assert events == [[("message", b"x" * 90)]] * 5
