"""Talking to models: the demo model, or any OpenAI-compatible endpoint via the openai SDK.

`stream_reply` yields the answer's text deltas in batches (those that arrived together)
and, at the end, the token usage; every way a provider can fail becomes one of the
ProviderError classes in parley/chat/errors.py.

The SDK makes the request — URL, key, headers, timeouts, and HTTP errors raised as its own
exceptions — over aiohttp (the SDK's `aiohttp` extra), and Parley reads the event stream
itself (parley/chat/sse.py). Both for speed: with httpx and the SDK's chunk objects a
relayed stream of 50 tokens cost about 7 ms of CPU, with these about 2.5 ms
(bench/README.md, "chat_stream.py").
"""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import httpx2
import openai

from . import demo
from .errors import (
    ProviderAuthFailed,
    ProviderError,
    ProviderRateLimited,
    ProviderStreamCut,
    ProviderTimeout,
    ProviderUnavailable,
)
from .sse import EventStreamDecoder


@dataclass(frozen=True)
class ModelTarget:
    """Everything needed to call a model, read from the database before streaming starts."""

    kind: str  # "demo" or "openai"
    label: str
    name: str = ""
    base_url: str = ""
    api_key: str = ""
    timeout: float = 60.0


@dataclass
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool


# One client (and connection pool) per endpoint and event loop, shared by all streams in a
# worker: a pool's connections belong to the loop that opened them.
_clients: dict[tuple, openai.AsyncOpenAI] = {}


def _client(base_url: str, api_key: str, timeout: float) -> openai.AsyncOpenAI:
    """No retries: a person waiting for the first token is better served by a clear error
    and a Regenerate button than by a silent back-off."""
    key = (base_url, api_key, timeout, asyncio.get_running_loop())
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",  # local servers (Ollama, vLLM) take any key
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
            max_retries=0,
            http_client=openai.DefaultAioHttpClient(),
        )
    return client


async def close_clients() -> None:
    """Close the running loop's provider connections (at the ASGI lifespan's shutdown)."""
    loop = asyncio.get_running_loop()
    for key in [key for key in _clients if key[3] is loop]:
        await _clients.pop(key).close()


def estimate_tokens(text: str) -> int:
    """About four characters a token: used when a provider reports no usage."""
    return max(1, round(len(text) / 4)) if text else 0


async def stream_reply(
    *, target: ModelTarget, messages: list[dict], usage: list[Usage]
) -> AsyncIterator[list[str]]:
    """Yield the answer's text deltas, a list of those that arrived together at a time;
    append the usage to `usage` when it is known."""
    if target.kind == "demo":
        prompt = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        async for piece in demo.stream(prompt):
            yield [piece]
        return
    async for pieces in _stream_openai(target=target, messages=messages, usage=usage):
        yield pieces


def _error_text(payload: dict) -> str:
    error = payload.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("code") or error
    return str(error)[:300]


def _deltas(payload, usage: list[Usage]) -> tuple[list[str], bool]:
    """The text deltas of one chat.completion.chunk, and whether it finished the answer."""
    if not isinstance(payload, dict):
        raise ProviderStreamCut(f"a stream event that is not an object: {payload!r:.100}")
    if payload.get("error"):  # OpenRouter, vLLM and others report a failure mid-stream so
        raise ProviderError(f"error in the stream: {_error_text(payload)}")
    counts = payload.get("usage")
    if isinstance(counts, dict):
        usage.append(
            Usage(counts.get("prompt_tokens") or 0, counts.get("completion_tokens") or 0, False)
        )
    pieces, finished = [], False
    for choice in payload.get("choices") or ():
        text = (choice.get("delta") or {}).get("content")
        if text and isinstance(text, str):
            pieces.append(text)
        if choice.get("finish_reason"):
            finished = True
    return pieces, finished


def error_chain(error: BaseException | None):
    """`error` and what caused it, outermost first (bounded: chains are short)."""
    for _ in range(10):
        if error is None:
            return
        yield error
        error = error.__cause__ or error.__context__


def _refused(error: BaseException) -> bool:
    """Whether a timeout the SDK reports is really a refused or failed connection: the
    aiohttp transport maps aiohttp's ClientConnectorError to httpx's ConnectTimeout."""
    return any(isinstance(cause, aiohttp.ClientConnectorError) for cause in error_chain(error))


async def _stream_openai(*, target: ModelTarget, messages: list[dict], usage: list[Usage]):
    client = _client(target.base_url, target.api_key, target.timeout)
    finished = received = False
    try:
        # client.post, not client.chat.completions.create: the same request, but create
        # first walks every message through the SDK's type-driven transform, which took
        # 5 ms for a 40-message history (bench/README.md).
        response = await client.post(
            "/chat/completions",
            body={
                "model": target.name,
                "messages": messages,
                "stream": True,
                "stream_options": {"include_usage": True},
            },
            cast_to=httpx2.Response,
            stream=True,
        )
        try:
            decoder = EventStreamDecoder()
            async for chunk in response.aiter_bytes():
                batch: list[str] = []
                try:
                    for event, data in decoder.feed(chunk):
                        if data == b"[DONE]":
                            break
                        if event == "error":
                            raise ProviderError(f"error event in the stream: {data[:300]!r}")
                        pieces, done = _deltas(_event_json(data), usage)
                        batch += pieces
                        finished = finished or done
                except (ProviderError, ValueError):
                    if batch:  # what arrived before the bad event is still the answer's
                        yield batch
                    raise
                if batch:
                    received = True
                    yield batch
        finally:
            await response.aclose()
    except openai.AuthenticationError as error:
        raise ProviderAuthFailed(f"{target.base_url}: HTTP {error.status_code}") from error
    except openai.PermissionDeniedError as error:
        raise ProviderAuthFailed(f"{target.base_url}: HTTP {error.status_code}") from error
    except openai.RateLimitError as error:
        raise ProviderRateLimited(f"{target.base_url}: HTTP 429") from error
    except openai.APITimeoutError as error:
        if _refused(error):
            raise ProviderUnavailable(f"{target.base_url}: {error.__cause__}") from error
        raise ProviderTimeout(f"{target.base_url}: timed out") from error
    except openai.APIConnectionError as error:
        raise ProviderUnavailable(f"{target.base_url}: {error.__cause__ or error}") from error
    except openai.APIStatusError as error:
        raise ProviderError(f"{target.base_url}: HTTP {error.status_code}") from error
    except httpx2.ReadTimeout as error:  # between two chunks of a started stream
        raise ProviderTimeout(f"{target.base_url}: stream stalled") from error
    except (httpx2.TransportError, aiohttp.ClientError, openai.APIError) as error:
        cause = f"{target.base_url}: {type(error).__name__}: {error}"
        if received:
            raise ProviderStreamCut(cause) from error
        raise ProviderUnavailable(cause) from error
    except ValueError as error:  # not JSON, not UTF-8, or EventTooLarge
        raise ProviderStreamCut(f"{target.base_url}: garbled stream: {error}") from error
    if not finished:
        raise ProviderStreamCut(f"{target.base_url}: stream ended without finish_reason")


def _event_json(data: bytes):
    """An event's JSON. Absurd nesting is a garbled event (ValueError: the answer is cut off
    with what arrived), never a RecursionError out of the stream."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("event nests too deeply to be JSON Parley reads") from None
