"""A fake OpenAI-compatible server for tests and bench/chat_stream.py.

An ASGI app served by uvicorn in a background thread. The requested model name picks the
behaviour, so one server serves every case in a test run:

    "normal"          a short answer, usage in the last chunk
    "echo"            repeats the last user message (to test what reaches the model)
    "xss"             answers with script and event-handler markup
    "slow"            a longer answer, 50 ms between tokens (room to press Stop)
    "cut"             a few tokens, then the connection drops mid-stream
    "stall"           a few tokens, then silence (the provider's read timeout fires)
    "timeout"         no response at all
    "401" "429" "500" that HTTP error, as JSON
    "tokens:N:MS"     N tokens, MS milliseconds apart (bench)

The ways real providers format a stream, each a case Parley's reader must get right:

    "crlf-keepalive"  the normal answer with CRLF line ends, comment lines (": keep-alive",
                      ": OPENROUTER PROCESSING") between chunks, several chunks in one
                      write, one chunk split mid-JSON over two writes and one split
                      between the "\r" and "\n" of its last line end
    "midstream-error" three tokens, then `data: {"error": {...}}` and the end (OpenRouter)
    "error-event"     three tokens, then an `event: error` event and the end
    "garbled"         three tokens, then `data: {not json` and the end
    "deep"            three tokens, then an event of 200,000 nested arrays and the end
    "runaway"         three tokens, then one event of 1 MB, then the rest of a normal end
                      (a test lowers parley.chat.sse.MAX_EVENT_BYTES below that)
    "no-finish"       three tokens and [DONE], but no chunk with a finish_reason
    "no-usage"        the normal answer, but no usage chunk even when it is asked for

"midstream-error", "error-event" and "garbled" pause 50 ms before the bad event, so it
reaches Parley in a read of its own; with ":together" after the name ("garbled:together")
the third token and the bad event go out in one write instead.

GET .../models (the admin's "Test connection") lists LISTED_MODELS; the API key picks the
answer instead of a model name:

    "sk-wrong"        401, the key refused
    "sk-forbidden"    403
    "sk-no-models"    404, as from servers that offer no model list
    "sk-500"          500
    "sk-timeout"      no response at all
    "sk-html"         200 with a web page, as when the base URL is a website, not the API

Its error messages repeat the key sent, as some servers do.
"""

import asyncio
import json
import threading
import time

import uvicorn

from parley.tests.serving import free_port

NORMAL_ANSWER = ["Hello", " there", "!", " Here", " is", " **bold**", " text", "."]
XSS_ANSWER = [
    "Look: <img src=x onerror=alert(1)>",
    " and <script>alert(2)</script>",
    " [click](javascript:alert(3))",
]


CRLF_KEEPALIVE = (
    ": OPENROUTER PROCESSING\r\n\r\n",  # a comment, then a blank line with no data
    ": keep-alive\r\n",
)
GOOD_KEY = "sk-test-abcdef123456"  # any key not listed above: accepted
LISTED_MODELS = ("normal", "echo", "xss", "slow", "cut", "stall", "timeout")
MODELS_ERRORS = {"sk-wrong": 401, "sk-forbidden": 403, "sk-no-models": 404, "sk-500": 500}
BAD_EVENTS = {
    "midstream-error": b'data: {"error": {"message": "upstream overloaded", "code": 502}}\n\n',
    "error-event": b'event: error\ndata: {"message": "upstream overloaded"}\n\n',
    "garbled": b"data: {not json\n\n",
    "deep": b"data: " + b"[" * 200_000 + b"\n\n",
}


class Cut(Exception):
    """Raised inside the app to drop the connection without finishing the body."""


def _chunk(model: str, content: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": content} if content is not None else {}
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(data).encode() + b"\n\n"


def _usage(model: str, prompt: int, completion: int) -> bytes:
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }
    return b"data: " + json.dumps(data).encode() + b"\n\n"


class FakeProvider:
    def __init__(self):
        self.requests: list[dict] = []  # {"headers": ..., "body": ...} of each call

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        if scope["method"] == "GET" and scope["path"].endswith("/models"):
            await self._models(scope, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = json.loads(body or b"{}")
        self.requests.append(
            {"headers": {k.decode(): v.decode() for k, v in scope["headers"]}, "body": request}
        )
        model = request.get("model", "normal")
        if model in {"401", "429", "500"}:
            payload = {"error": {"message": f"fake {model}", "type": "fake", "code": model}}
            await send(
                {
                    "type": "http.response.start",
                    "status": int(model),
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": json.dumps(payload).encode()})
            return
        if model == "timeout":
            await asyncio.sleep(30)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        if model in {"crlf-keepalive", "runaway", "no-finish", "no-usage"}:
            await getattr(self, "_" + model.replace("-", "_"))(model, request, send)
            return
        if model.partition(":")[0] in BAD_EVENTS:
            await self._bad_event(model, send)
            return
        tokens, delay = self._plan(model, request)
        for index, token in enumerate(tokens):
            if model in {"cut", "stall"} and index == 3:
                if model == "stall":
                    await asyncio.sleep(30)
                raise Cut("dropping the connection mid-stream")
            if delay:
                await asyncio.sleep(delay)
            await self._write(send, _chunk(model, token))
        await self._write(send, self._tail(model, request, tokens), more=False)

    @staticmethod
    async def _models(scope, send) -> None:
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        key = headers.get("authorization", "").removeprefix("Bearer ")
        if key == "sk-timeout":
            await asyncio.sleep(30)
            return
        if key == "sk-html":
            status, content_type = 200, b"text/html"
            body = b"<!doctype html><title>Welcome</title>"
        elif key in MODELS_ERRORS:
            status, content_type = MODELS_ERRORS[key], b"application/json"
            # Repeats the key, as careless servers do: Parley must never show it.
            error = {"message": f"fake {status} for key {key}", "type": "fake", "code": status}
            body = json.dumps({"error": error}).encode()
        else:
            status, content_type = 200, b"application/json"
            data = [{"id": name, "object": "model", "owned_by": "fake"} for name in LISTED_MODELS]
            body = json.dumps({"object": "list", "data": data}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", content_type)],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _write(send, body: bytes, *, more: bool = True) -> None:
        await send({"type": "http.response.body", "body": body, "more_body": more})

    @staticmethod
    def _tail(model: str, request: dict, tokens: list[str]) -> bytes:
        tail = _chunk(model, finish="stop")
        if (request.get("stream_options") or {}).get("include_usage"):
            tail += _usage(model, prompt=11, completion=len(tokens))
        return tail + b"data: [DONE]\n\n"

    async def _crlf_keepalive(self, model: str, request: dict, send) -> None:
        def crlf(data: bytes) -> bytes:
            return data.replace(b"\n", b"\r\n")  # JSON from json.dumps has no newline

        opening, keepalive = (comment.encode() for comment in CRLF_KEEPALIVE)
        chunks = [crlf(_chunk(model, token)) for token in NORMAL_ANSWER]
        await self._write(send, opening)
        await self._write(send, keepalive.join(chunks[:3]) + keepalive)  # three at once
        for chunk, cut in ((chunks[3], len(chunks[3]) // 2), (chunks[4], len(chunks[4]) - 1)):
            await self._write(send, chunk[:cut])
            await asyncio.sleep(0.02)  # so the halves arrive apart
            await self._write(send, chunk[cut:])
        for chunk in chunks[5:]:
            await self._write(send, chunk + keepalive)
        await self._write(send, crlf(self._tail(model, request, NORMAL_ANSWER)), more=False)

    async def _bad_event(self, model: str, send) -> None:
        name, _, together = model.partition(":")
        first, second, third = (_chunk(model, token) for token in NORMAL_ANSWER[:3])
        await self._write(send, first)
        await self._write(send, second)
        if together:
            await self._write(send, third + BAD_EVENTS[name], more=False)
            return
        await self._write(send, third)
        await asyncio.sleep(0.05)
        await self._write(send, BAD_EVENTS[name], more=False)

    async def _runaway(self, model: str, request: dict, send) -> None:
        for token in NORMAL_ANSWER[:3]:
            await self._write(send, _chunk(model, token))
        huge = _chunk(model, "x" * 1024 * 1024)
        for start in range(0, len(huge), 64 * 1024):
            await self._write(send, huge[start : start + 64 * 1024])
        await self._write(send, self._tail(model, request, NORMAL_ANSWER[:4]), more=False)

    async def _no_finish(self, model: str, request: dict, send) -> None:
        for token in NORMAL_ANSWER[:3]:
            await self._write(send, _chunk(model, token))
        await self._write(send, b"data: [DONE]\n\n", more=False)

    async def _no_usage(self, model: str, request: dict, send) -> None:
        for token in NORMAL_ANSWER:
            await self._write(send, _chunk(model, token))
        await self._write(send, _chunk(model, finish="stop") + b"data: [DONE]\n\n", more=False)

    @staticmethod
    def _plan(model: str, request: dict) -> tuple[list[str], float]:
        if model == "echo":
            last = [m for m in request["messages"] if m["role"] == "user"][-1]["content"]
            return [f"You said: {last}"], 0
        if model == "xss":
            return XSS_ANSWER, 0
        if model == "slow":
            return [f"word{i} " for i in range(200)], 0.05
        if model.startswith("tokens:"):
            _, count, ms = model.split(":")
            return [f"t{i} " for i in range(int(count))], int(ms) / 1000
        return NORMAL_ANSWER, 0


class ServerThread:
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a daemon thread."""

    def __init__(self, app, **config):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        options = {"log_level": "critical", "lifespan": "off", "timeout_graceful_shutdown": 1}
        options.update(config)
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, **options)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


class GranianThread:
    """Serve an ASGI app with granian, as `parley serve` does, on its own event loop in a
    daemon thread of this process (so it shares the test database)."""

    def __init__(self, target):
        from granian.server.embed import Server

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = Server(
            target, address="127.0.0.1", port=self.port, interface="asginl", log_enabled=False
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        from parley.chat.providers import close_clients

        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())
        # "asginl" has no lifespan, which closes the provider connections in production.
        self.loop.run_until_complete(close_clients())

    def __enter__(self):
        import httpx

        self.thread.start()
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(self.url + "/static/parley/site.css", timeout=1)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("granian did not start") from None
                time.sleep(0.05)

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.server.stop)
        self.thread.join(timeout=10)
