"""Django's WSGI application under the ASGI entry (parley/asgi.py), one thread trip per page."""

import asyncio
import io
import tempfile
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ

# Request bodies above this size are spooled to a temporary file (as Django's ASGI handler
# does with FILE_UPLOAD_MAX_MEMORY_SIZE).
BODY_IN_MEMORY = 2_621_440
FILE_BLOCK = 64 * 1024


class PagesBridge:
    """Runs the WSGI app for one request in one trip to a worker thread.

    a2wsgi (used before) makes the worker thread wait for the event loop on every
    start_response and every body chunk: three or more cross-thread round trips per page,
    each a fight for the GIL with the other workers; that cost more than the Django work
    of a simple page. Here the body is read on the loop first, the thread runs the app and
    joins an ordinary response's body, and the loop sends it. Streaming responses (files,
    StreamingHttpResponse) are sent chunk by chunk from that same thread, as a2wsgi did,
    so they never sit whole in memory.
    """

    def __init__(self, app, threads: int):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pages")

    async def __call__(self, scope, receive, send):
        body = await _read_body(receive)
        if body is None:  # the client went away before sending its request body
            return
        loop = asyncio.get_running_loop()
        environ = build_environ(scope, body)
        # Run in the worker thread's own context, as a threaded WSGI server does, not a
        # copy of the loop's made per request: Django keeps its per-thread cache objects
        # in context-local storage, and in a fresh copy every page made a new Redis
        # client, pool and connection (~7 ms a page with Redis; bench/README.md, issue 16).
        result = await loop.run_in_executor(self.executor, self._run, environ, send, loop)
        if result is not None:
            status, headers, content = result
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})

    def _run(self, environ, send, loop):
        """In a worker thread: the whole WSGI call, including close() (which fires
        request_finished, so Django tidies this thread's DB connection here)."""
        started = []
        written = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]
            return written.append

        response = self.app(environ, start_response)
        try:
            streaming = getattr(response, "streaming", None)
            if streaming is False or isinstance(response, list | tuple):
                content = b"".join(written) + b"".join(response)
                return _status(started), _headers(started), content

            # Streaming: hand each chunk to the loop and wait, so a slow client slows the
            # producer instead of filling memory.
            def push(message):
                asyncio.run_coroutine_threadsafe(send(message), loop).result()

            if getattr(response, "file_to_stream", None) is not None:
                response.block_size = max(getattr(response, "block_size", 0), FILE_BLOCK)
            push({"type": "http.response.start", "status": _status(started),
                  "headers": _headers(started)})  # fmt: skip
            for chunks in (written, response):
                for chunk in chunks:
                    if chunk:
                        push({"type": "http.response.body", "body": chunk, "more_body": True})
            push({"type": "http.response.body", "body": b""})
            return None
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()


def _status(started) -> int:
    return int(started[0].split(" ", 1)[0])


def _headers(started) -> list[tuple[bytes, bytes]]:
    # Django's Set-Cookie values start with a space (cookie.output(header="")); strict
    # servers such as uvicorn/h11 refuse that, so send every value trimmed.
    return [
        (name.lower().encode("latin-1"), value.strip().encode("latin-1"))
        for name, value in started[1]
    ]


async def _read_body(receive):
    """The whole request body as a file, or None if the client disconnected."""
    message = await receive()
    if message["type"] == "http.disconnect":
        return None
    if not message.get("more_body", False):  # nearly every request: one message
        return io.BytesIO(message.get("body", b""))
    body = tempfile.SpooledTemporaryFile(max_size=BODY_IN_MEMORY)
    body.write(message.get("body", b""))
    while message.get("more_body", False):
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        body.write(message.get("body", b""))
    body.seek(0)
    return body
