"""Reading a provider's Server-Sent Events stream (text/event-stream), incrementally.

The openai SDK's own stream reader builds a pydantic object per chunk, which costs about
three times the CPU of everything else a relayed token needs (bench/README.md,
"chat_stream.py"); Parley reads the events itself and hands each `data` to json.loads.
This follows the parts of the WHATWG event-stream format that model providers use: LF,
CRLF or CR line ends, `event:` and `data:` fields (several `data:` lines join with LF),
comment lines (`: keep-alive`, OpenRouter's `: OPENROUTER PROCESSING`), and a blank line
ending each event. `id:` and `retry:` mean nothing here and are skipped.
"""

MAX_EVENT_BYTES = 4 * 1024 * 1024  # one delta is a few hundred bytes; this is a runaway


class EventTooLarge(ValueError):
    """The stream ran past MAX_EVENT_BYTES without ending an event."""


class EventStreamDecoder:
    """Feed it the stream's bytes as they come; get back the events they complete."""

    def __init__(self) -> None:
        self._partial = b""  # an unfinished line
        self._after_cr = False  # the last chunk ended with CR: an LF opening the next is its
        self._event = b""
        self._data: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> list[tuple[str, bytes]]:
        """The (event name, data) pairs that `chunk` completes; the name is "message"
        when the event has none."""
        if self._after_cr and chunk[:1] == b"\n":
            chunk = chunk[1:]  # the second half of a CRLF split between two chunks
            self._after_cr = False
        if chunk:
            self._after_cr = chunk.endswith(b"\r")
        buffer = self._partial + chunk
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        self._partial = lines.pop()
        events = []
        for line in lines:
            if not line:
                if self._data:
                    events.append((self._event.decode() or "message", b"\n".join(self._data)))
                self._event, self._data, self._size = b"", [], 0
                continue
            if line[:1] == b":":
                continue
            name, _, value = line.partition(b":")
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                self._data.append(value)
                self._size += len(value)
                self._check_size(0)
            elif name == b"event":
                self._event = value
        self._check_size(len(self._partial))
        return events

    def _check_size(self, pending: int) -> None:
        if self._size + pending > MAX_EVENT_BYTES:
            raise EventTooLarge(f"an event of over {MAX_EVENT_BYTES} bytes")
