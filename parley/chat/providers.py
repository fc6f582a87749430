"""Talking to models: the demo model, or any OpenAI-compatible endpoint via the openai SDK.

`stream_reply` yields text deltas and, at the end, the token usage; every way a provider
can fail becomes one of the ProviderError classes in parley/chat/errors.py.
"""

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
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


@functools.lru_cache(maxsize=64)
def _client(base_url: str, api_key: str, timeout: float, loop) -> openai.AsyncOpenAI:
    """One client (and connection pool) per endpoint and event loop, shared by all streams
    in a worker (a pool's connections belong to the loop that opened them).

    No retries: a person waiting for the first token is better served by a clear error
    and a Regenerate button than by a silent back-off.
    """
    return openai.AsyncOpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",  # local servers (Ollama, vLLM) take any key
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        max_retries=0,
    )


def estimate_tokens(text: str) -> int:
    """About four characters a token: used when a provider reports no usage."""
    return max(1, round(len(text) / 4)) if text else 0


async def stream_reply(
    *, target: ModelTarget, messages: list[dict], usage: list[Usage]
) -> AsyncIterator[str]:
    """Yield the answer's text deltas; append the usage to `usage` when it is known."""
    if target.kind == "demo":
        prompt = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        async for piece in demo.stream(prompt):
            yield piece
        return
    async for piece in _stream_openai(target=target, messages=messages, usage=usage):
        yield piece


async def _stream_openai(*, target: ModelTarget, messages: list[dict], usage: list[Usage]):
    client = _client(target.base_url, target.api_key, target.timeout, asyncio.get_running_loop())
    finished = received = False
    try:
        stream = await client.chat.completions.create(
            model=target.name,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
        )
        async with stream:
            async for chunk in stream:
                received = True
                if chunk.usage is not None:
                    usage.append(
                        Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens, False)
                    )
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        yield choice.delta.content
                    if choice.finish_reason:
                        finished = True
    except openai.AuthenticationError as error:
        raise ProviderAuthFailed(f"{target.base_url}: HTTP {error.status_code}") from error
    except openai.PermissionDeniedError as error:
        raise ProviderAuthFailed(f"{target.base_url}: HTTP {error.status_code}") from error
    except openai.RateLimitError as error:
        raise ProviderRateLimited(f"{target.base_url}: HTTP 429") from error
    except openai.APITimeoutError as error:
        raise ProviderTimeout(f"{target.base_url}: timed out") from error
    except openai.APIConnectionError as error:
        cause = f"{target.base_url}: {error.__cause__ or error}"
        if received:  # the SDK reports a dropped stream as a connection error too
            raise ProviderStreamCut(cause) from error
        raise ProviderUnavailable(cause) from error
    except openai.APIStatusError as error:
        raise ProviderError(f"{target.base_url}: HTTP {error.status_code}") from error
    except httpx.ReadTimeout as error:  # between two chunks of a started stream
        raise ProviderTimeout(f"{target.base_url}: stream stalled") from error
    except (httpx.TransportError, openai.APIError) as error:  # cut or garbled mid-stream
        raise ProviderStreamCut(f"{target.base_url}: {error}") from error
    if not finished:
        raise ProviderStreamCut(f"{target.base_url}: stream ended without finish_reason")
