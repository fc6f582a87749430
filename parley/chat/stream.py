"""The chat stream: a native async ASGI handler (DESIGN §1) that answers
`POST /chat/stream/<conversation>/` with Server-Sent Events.

It does not go through Django's request stack. It reads the session with Django's own
session store and `auth.get_user` (so logouts and session invalidation hold), checks the
CSRF token and origin with Django's CsrfViewMiddleware — or, instead of both, takes a user's
bearer token (`Authorization: Bearer pu_sess_…`, as the widget frame sends) — and saves
messages through parley.chat.replies. Every database call runs in a thread, so the event
loop only ever relays tokens: the reads (who is asking, their conversation, model, limit and
history) in one trip to a small pool, the two short write transactions (before and after the
answer) through one writer thread on SQLite. The model's request goes out while the first
write runs, and only STARTING_AT_ONCE streams do this start-up work at a time, so a burst of
new streams does not hold up the tokens of those already answering (bench/README.md,
"chat_stream.py"). A client that goes away (the Stop button aborts the fetch) cancels the
provider call; whatever arrived is saved and marked "stopped".

Events: `start` {message, user_message, title, model}, `token` {t}, `html` {h}, then one
of `done` {html, usage} or `error` {code, message, html}. `html` is the answer so far
rendered by parley.chat.markdown, the same sanitiser as the saved answer's, so what streams
is exactly as safe as what is kept; it follows the tokens it covers, at most every
SNAPSHOT_SECONDS (more seldom for long answers and while many stream: snapshot_interval).
Before the stream starts, refusals are JSON {code, message} with an HTTP status (401, 403,
404, 429 …). The request body is {content, model?, regenerate?, edit?}: `edit` is the id of
the person's message that `content` replaces.
"""

import asyncio
import io
import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.middleware.csrf import CsrfViewMiddleware

from parley.accounts import tokens
from parley.errors import AuthError, ParleyError
from parley.web.json_body import parse_json_body

from . import markdown
from . import replies as services
from .errors import BadRequest, ProviderError
from .models import MessageStatus
from .providers import Usage, stream_reply

log = logging.getLogger(__name__)

PATH = re.compile(r"/chat/stream/(?P<conversation>[A-Za-z0-9_-]{1,32})/")
MAX_BODY = 256 * 1024
SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx: do not buffer the stream
    (b"x-content-type-options", b"nosniff"),
]

# Reads (session, token, conversation, model, limit) run in a few threads: SQLite in WAL mode
# lets them run alongside a writer. Writes (the two short transactions of a reply, before
# and after) go through one thread when the database is SQLite, which has a single write
# lock anyway: threads of our own queueing on it would wait in SQLite's busy handler, which
# sleeps in steps of up to 100 ms, instead of in order.
db_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chat-db")
_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
db_write_executor = ThreadPoolExecutor(
    max_workers=1 if _SQLITE else 4, thread_name_prefix="chat-db-write"
)


# How many streams do their start-up work (who is asking, the reads, the write transaction)
# at once; the others queue for a turn. That work is Python under the one GIL: a burst doing
# it all together delays the tokens of the answers already streaming. With 500 streams at
# once: p99 gap between tokens 110-210 ms without the gate, 25-35 ms with 4, and the first
# tokens come sooner too (bench/README.md, "chat_stream.py"). settings.CHAT_STARTING_AT_ONCE
# (PARLEY_CHAT_STARTING_AT_ONCE), for measuring other sizes.
STARTING_AT_ONCE = settings.CHAT_STARTING_AT_ONCE
_start_gates: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}  # one per event loop


# Rendering the answer so far costs about 0.7 ms per kB of markdown, on the event loop. The
# first batch is rendered at once (a quick first paint); after that, at most every
# SNAPSHOT_SECONDS, stretched for long answers and while more than SNAPSHOT_BUDGET answers
# stream, so that rendering stays a small share of the loop however busy it is.
SNAPSHOT_SECONDS = 0.15
SNAPSHOT_BUDGET = 10
SNAPSHOT_CHARS = 4000
_streaming_now = 0


def snapshot_interval(*, streaming: int, chars: int) -> float:
    """Seconds between two `html` events of an answer of `chars` characters so far while
    `streaming` answers stream."""
    return (
        SNAPSHOT_SECONDS * max(1.0, streaming / SNAPSHOT_BUDGET) * max(1.0, chars / SNAPSHOT_CHARS)
    )


class ClientGone(Exception):
    """The browser closed the connection (Stop, a closed tab, a lost network)."""


def _in_thread(fn, kwargs):
    close_old_connections()  # as Django does around each request
    return fn(**kwargs)


async def db(fn, /, *, _executor=None, **kwargs):
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor or db_executor, _in_thread, fn, kwargs)
    # Shielded: a cancelled handler must not abandon a write half-way through.
    return await asyncio.shield(future)


async def db_write(fn, /, **kwargs):
    return await db(fn, _executor=db_write_executor, **kwargs)


def _csrf_failure(request) -> str | None:
    """Django's own CSRF check (token + Origin); the reason it failed, or None."""
    middleware = CsrfViewMiddleware(lambda r: None)
    middleware.process_request(request)
    response = middleware.process_view(request, chat_stream, (), {})
    return None if response is None else "CSRF check failed"


def _session_user(*, request):
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    user = auth.get_user(request)
    return user if user.is_authenticated and user.is_active else None


def _bearer_user(*, secret: str):
    """The user of a bearer token, by the same check as the API's and the widget's
    (parley.accounts.tokens), or the AuthError refusing it."""
    try:
        return tokens.authenticate_user_token(secret=secret).user
    except AuthError as error:
        return error


def _open_reply(*, request, secret, args):
    """In one trip to a thread: who is asking (None or the AuthError refusing them), then
    the reads before their reply (services.prepare_reply) or the ParleyError refusing it."""
    user = _bearer_user(secret=secret) if request is None else _session_user(request=request)
    if user is None or isinstance(user, AuthError) or args is None:
        return user, None
    try:
        return user, services.prepare_reply(user=user, **args)
    except ParleyError as error:
        return user, error


def _event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _json(send, status: int, data: dict) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(data).encode()})


async def _refuse(send, error: ParleyError) -> None:
    await _json(send, error.status, {"code": error.code, "message": error.user_message})


async def _read_body(receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        # Past the cap, stop reading: the parser refuses the body as too large.
        if size > MAX_BODY or not message.get("more_body", False):
            return b"".join(chunks)


async def _wait_for_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def chat_stream(scope, receive, send):
    if scope["type"] != "http":
        return
    match = PATH.fullmatch(scope["path"])
    if match is None:
        await _json(send, 404, {"code": "not_found", "message": "Not found."})
        return
    if scope["method"] != "POST":
        await _json(send, 405, {"code": "method_not_allowed", "message": "Use POST."})
        return
    body = await _read_body(receive)
    if body is None:
        return
    async with _start_gate():
        started = await _start(scope, body, match["conversation"], send)
    if started is not None:
        await _relay(*started, receive, send)


def _reply_args(body: bytes, conversation: str) -> dict:
    payload = parse_json_body(body, max_bytes=MAX_BODY)
    content, model_id = payload.get("content"), payload.get("model")
    if not isinstance(content, str | None):
        raise BadRequest("content not a string", user_message="`content` must be a string.")
    if not isinstance(model_id, int | None) or isinstance(model_id, bool):
        raise BadRequest("model not an integer", user_message="`model` must be an integer.")
    edit = payload.get("edit")
    if not isinstance(edit, int | None) or isinstance(edit, bool):
        raise BadRequest("edit not an integer", user_message="`edit` must be a message id.")
    return {"public_id": conversation, "content": content, "model_id": model_id,
            "regenerate": payload.get("regenerate") is True, "edit": edit}  # fmt: skip


def _start_gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _start_gates.get(loop)
    if gate is None:
        gate = _start_gates[loop] = asyncio.Semaphore(STARTING_AT_ONCE)
    return gate


async def _start(scope, body: bytes, conversation: str, send):
    """Who is asking, the checks and reads, then the model's request and the write
    transaction: (plan, answer, task fetching its first batch, usage), or None once a
    refusal has been sent."""
    request = ASGIRequest(scope, io.BytesIO(body))
    try:
        args, refusal = _reply_args(body, conversation), None
    except ParleyError as error:
        args, refusal = None, error  # refused, but only once the caller is known
    secret = tokens.bearer_credential(request.headers.get("Authorization", ""))
    if secret is not None:
        # The widget frame (parley/widget): a user token, which no browser sends by itself,
        # so no CSRF check; and no session is read.
        user, prepared = await db(_open_reply, request=None, secret=secret, args=args)
        if isinstance(user, AuthError):
            await _refuse(send, user)
            return None
    else:
        if _csrf_failure(request):
            await _json(send, 403, {"code": "csrf_failed", "message": "Reload the page and retry."})
            return None
        user, prepared = await db(_open_reply, request=request, secret=None, args=args)
        if user is None:
            await _json(send, 401, {"code": "login_required", "message": "Please log in again."})
            return None
    if refusal is not None:
        await _refuse(send, refusal)
        return None
    if isinstance(prepared, ParleyError):
        await _refuse(send, prepared)
        return None
    # The model's request goes out now, while the write transaction saves the message: the
    # first token waits for the longer of the two, not for both (bench/README.md).
    usage: list[Usage] = []
    answer = stream_reply(target=prepared.target, messages=prepared.history, usage=usage)
    first = asyncio.ensure_future(_next_batch(answer))
    await asyncio.sleep(0)  # the request is on its way before the write takes the GIL
    try:
        plan = await db_write(services.commit_reply, request=prepared)
    except BaseException as error:  # refused (a race for the last message), or cancelled
        await _discard(answer, first)
        if not isinstance(error, ParleyError):
            raise
        await _refuse(send, error)
        return None
    return plan, answer, first, usage


async def _next_batch(answer) -> list[str] | None:
    return await anext(answer, None)


async def _discard(answer, first: asyncio.Future) -> None:
    """Stop a model's answer that will not be relayed, and close its connection."""
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await answer.aclose()


async def _relay(plan: services.ReplyPlan, answer, first, usage, receive, send) -> None:
    """Send the answer as it arrives; `first` is the task already fetching its first batch
    of `answer`."""
    pieces: list[str] = []
    global _streaming_now

    async def emit(data: bytes) -> None:
        try:
            await send({"type": "http.response.body", "body": data, "more_body": True})
        except (OSError, RuntimeError) as error:  # servers differ in how they report it
            raise ClientGone() from error

    async def generate() -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        except (OSError, RuntimeError) as error:
            raise ClientGone() from error
        await emit(
            _event(
                "start",
                {
                    "message": plan.assistant_message_id,
                    "user_message": plan.user_message_id,
                    "title": plan.title,
                    "model": plan.target.label,
                },
            )
        )
        batch = await first
        loop = asyncio.get_running_loop()
        next_snapshot = 0.0
        while batch is not None:
            pieces.extend(batch)
            # Deltas that arrived together leave together: one send, one event each.
            events = [_event("token", {"t": piece}) for piece in batch]
            if loop.time() >= next_snapshot:
                text = "".join(pieces)
                events.append(_event("html", {"h": markdown.render(text)}))
                next_snapshot = loop.time() + snapshot_interval(
                    streaming=_streaming_now, chars=len(text)
                )
            await emit(b"".join(events))
            batch = await anext(answer, None)

    _streaming_now += 1
    generation = asyncio.ensure_future(generate())
    watcher = asyncio.ensure_future(_wait_for_disconnect(receive))
    error: ProviderError | None = None
    status = MessageStatus.COMPLETE
    try:
        await asyncio.wait({generation, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not generation.done():
            generation.cancel()
            status = MessageStatus.STOPPED
        try:
            await generation
        except asyncio.CancelledError:
            status = MessageStatus.STOPPED
        except ClientGone:
            status = MessageStatus.STOPPED
        except ProviderError as failure:
            log.warning("chat provider failed: %s (%s)", failure.code, failure.reason)
            error, status = failure, MessageStatus.FAILED
    finally:
        _streaming_now -= 1
        watcher.cancel()
        if not generation.done():  # the handler itself was cancelled (server shutdown)
            generation.cancel()
            await asyncio.gather(generation, return_exceptions=True)
            status = MessageStatus.STOPPED
        await _discard(answer, first)  # after a stop: the provider's connection is closed
        message = await db_write(
            services.finish_reply,
            plan=plan,
            content="".join(pieces),
            status=status,
            usage=usage[-1] if usage else None,
            error=error,
        )
    if status == MessageStatus.STOPPED:
        return
    html = message.html if message else ""
    if error is not None:
        final = _event("error", {"code": error.code, "message": error.user_message, "html": html})
    else:
        final = _event(
            "done",
            {
                "html": html,
                "usage": {
                    "prompt_tokens": message.prompt_tokens if message else 0,
                    "completion_tokens": message.completion_tokens if message else 0,
                },
            },
        )
    try:
        await emit(final)
        await send({"type": "http.response.body", "body": b""})
    except ClientGone:
        pass
