"""The admin's "Test connection" for a provider: can Parley reach it, does it accept the API
key, and which of the configured models does it list. One GET /models through the openai
SDK's sync client, no retries; nothing is stored, and the key never appears in a result.

Unlike other admin-typed URLs (parley/outbound.py), a provider's base URL may be on this
host or the private network: that is where Ollama, vLLM and LM Studio run (docs/models.md)."""

import socket
import ssl
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import NamedTuple

import openai

from parley.errors import ParleyError

from . import crypto
from .models import Provider
from .providers import error_chain

MAX_SECONDS = 15  # to connect, and then for the answer, whatever the provider's timeout
NO_LISTING_STATUSES = frozenset({404, 405, 501})  # servers that do not implement GET /models
MAX_DETAIL_CHARS = 200
BASE_URL_HINT = (
    "If chats fail as well, check that the base URL is the API root (it usually ends in /v1)."
)


class CheckFailed(ParleyError):
    """Why a provider failed its connection test. `user_message` is for the admin; `reached`
    says whether the endpoint answered at all."""

    code = "provider_check_failed"
    status = 502
    reached = False
    user_message = "The provider could not be reached."


class KeyUnreadable(CheckFailed):
    code = "provider_check_key_unreadable"
    status = 409
    user_message = (
        "The stored API key can no longer be decrypted (the instance's secret key has changed), "
        "so the provider was not contacted. Enter the key again and save."
    )


class ConnectionRefused(CheckFailed):
    code = "provider_check_connection_refused"
    user_message = (
        "Could not reach the provider: the connection was refused (nothing is listening on that "
        "host and port). Check the base URL and that the server is running."
    )


class HostNotFound(CheckFailed):
    code = "provider_check_host_not_found"
    user_message = (
        "Could not reach the provider: the base URL's host name could not be found (DNS). "
        "Check it for typos."
    )


class TimedOut(CheckFailed):
    code = "provider_check_timeout"
    status = 504
    user_message = "The provider did not answer in time."


class TlsFailed(CheckFailed):
    code = "provider_check_tls_failed"
    user_message = "Could not reach the provider: the secure connection (TLS) failed."


class Unreachable(CheckFailed):
    code = "provider_check_unreachable"


class KeyRefused(CheckFailed):
    code = "provider_check_key_refused"
    reached = True
    user_message = "The provider refused the API key. Enter the key again and save."


class UnexpectedStatus(CheckFailed):
    code = "provider_check_http_error"
    reached = True
    user_message = "The provider answered the model list request with an error."


@dataclass(frozen=True)
class ModelListing:
    name: str  # as configured on the provider
    listed: bool  # whether the endpoint's model list names it


@dataclass(frozen=True)
class ProviderCheck:
    base_url: str
    seconds: float
    failure: CheckFailed | None = None
    key_sent: bool = True  # False: no key is stored (local servers)
    listing_offered: bool = False  # whether GET /models answered with a model list
    note: str = ""  # why there is no model list to compare with, when there is none
    models: tuple[ModelListing, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def reachable(self) -> bool:
        return self.failure is None or self.failure.reached

    @property
    def key_accepted(self) -> bool | None:
        """None when the test could not tell (no model list, or the endpoint not reached)."""
        if isinstance(self.failure, KeyRefused):
            return False
        return True if self.listing_offered else None

    @property
    def listed(self) -> list[str]:
        return [model.name for model in self.models if model.listed]

    @property
    def unlisted(self) -> list[str]:
        return [model.name for model in self.models if not model.listed]

    @property
    def milliseconds(self) -> int:
        return round(self.seconds * 1000)

    @property
    def summary(self) -> str:
        if self.failure is not None:
            return self.failure.user_message
        connected = f"Connected in {self.milliseconds} ms"
        if not self.listing_offered:
            return connected + "."
        if not self.key_sent:
            return connected + "; it answered without an API key."
        return connected + "; the API key was accepted."


class _Listing(NamedTuple):
    ids: frozenset[str] | None  # None: the endpoint offers no model list
    note: str = ""


def check_provider(*, provider: Provider) -> ProviderCheck:
    """Test the provider's saved base URL and key, waiting no longer than wait_seconds."""
    names = list(provider.models.values_list("name", flat=True))
    api_key = crypto.decrypt(provider.api_key_encrypted)
    if api_key is None:
        failure = KeyUnreadable(f"provider {provider.pk}: key encrypted under another SECRET_KEY")
        return ProviderCheck(base_url=provider.base_url, seconds=0.0, failure=failure)
    timeout = float(wait_seconds(provider=provider))
    started = time.monotonic()
    try:
        listing = _list_models(base_url=provider.base_url, api_key=api_key, timeout=timeout)
    except CheckFailed as failure:
        return ProviderCheck(
            base_url=provider.base_url,
            seconds=time.monotonic() - started,
            failure=failure,
            key_sent=bool(api_key),
        )
    seconds = time.monotonic() - started
    if listing.ids is None:
        return ProviderCheck(
            base_url=provider.base_url, seconds=seconds, key_sent=bool(api_key), note=listing.note
        )
    return ProviderCheck(
        base_url=provider.base_url,
        seconds=seconds,
        key_sent=bool(api_key),
        listing_offered=True,
        models=tuple(ModelListing(name=name, listed=name in listing.ids) for name in names),
    )


def wait_seconds(*, provider: Provider) -> float:
    """How long a test waits to connect, and then for the answer."""
    return min(provider.timeout_seconds, MAX_SECONDS)


def _list_models(*, base_url: str, api_key: str, timeout: float) -> _Listing:
    with openai.OpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",  # local servers (Ollama, vLLM) take any key
        timeout=timeout,
        max_retries=0,
    ) as client:
        try:
            # The raw response: the SDK's own parsing fails on bodies that are not a model list.
            response = client.models.with_raw_response.list().http_response
        except openai.APITimeoutError as error:
            raise TimedOut(
                f"{base_url}: no answer within {timeout:g} s",
                user_message=f"The provider did not answer within {timeout:g} seconds.",
            ) from error
        except openai.APIConnectionError as error:
            raise _connection_failure(error, base_url=base_url, api_key=api_key) from error
        except openai.APIStatusError as error:
            if error.status_code in NO_LISTING_STATUSES:
                return _Listing(
                    ids=None,
                    note=f"This endpoint offers no model list (GET /models answered HTTP "
                    f"{error.status_code}). That is fine — chats do not need it — but the key "
                    f"and the model names could not be checked this way. {BASE_URL_HINT}",
                )
            raise _status_failure(error, base_url=base_url, api_key=api_key) from error
    ids = _model_ids(response)
    if ids is None:
        return _Listing(
            ids=None,
            note="GET /models answered, but not with a model list, so the key and the model "
            f"names could not be checked this way. {BASE_URL_HINT}",
        )
    return _Listing(ids=ids)


def _model_ids(response) -> frozenset[str] | None:
    """The model ids of an OpenAI-style list ({"data": [{"id": ...}, ...]}), or None."""
    try:
        body = response.json()
    except ValueError:  # not JSON (an HTML page, say), or not UTF-8
        return None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return None
    return frozenset(
        item["id"] for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)
    )


def _connection_failure(
    error: openai.APIConnectionError, *, base_url: str, api_key: str
) -> CheckFailed:
    causes = list(error_chain(error))
    tls = next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None)
    if tls is not None:
        detail = _detail(getattr(tls, "verify_message", None) or str(tls), api_key)
        return TlsFailed(
            f"{base_url}: TLS: {detail}",
            user_message=f"Could not reach the provider: the secure connection (TLS) failed "
            f"({detail}). Check https:// versus http:// in the base URL, and the server's "
            "certificate.",
        )
    dns = next((cause for cause in causes if isinstance(cause, socket.gaierror)), None)
    if dns is not None:
        return HostNotFound(f"{base_url}: DNS: {_detail(str(dns), api_key)}")
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return ConnectionRefused(f"{base_url}: connection refused")
    detail = _detail(str(error.__cause__ or error), api_key)
    return Unreachable(
        f"{base_url}: {detail}", user_message=f"Could not reach the provider: {detail}."
    )


def _status_failure(error: openai.APIStatusError, *, base_url: str, api_key: str) -> CheckFailed:
    status = error.status_code
    if status in (401, 403):
        if not api_key:
            message = (
                f"The provider requires an API key: it answered HTTP {status} to a request "
                "without one. Enter the key and save."
            )
        else:
            message = (
                f"The provider refused the API key ({_http(status)}). Check the key — paste "
                "it again and save — and that it may use this endpoint."
            )
        return KeyRefused(f"{base_url}: HTTP {status}", user_message=message)
    said = _provider_says(error, api_key)
    return UnexpectedStatus(
        f"{base_url}: HTTP {status}",
        user_message=f"The provider answered GET /models with {_http(status)}"
        + (f": “{said}”" if said else "")
        + ".",
    )


def _provider_says(error: openai.APIStatusError, api_key: str) -> str:
    """The error message in the provider's JSON answer, if it gave one."""
    body = error.body
    message = body.get("message") if isinstance(body, dict) else None
    return _detail(message, api_key) if isinstance(message, str) else ""


def _http(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:  # a status code the standard does not name
        return f"HTTP {status}"


def _detail(text: str, api_key: str) -> str:
    """Text from the network or the provider, made safe to show: short, and without the key
    (some servers echo what they were sent)."""
    if api_key:
        text = text.replace(api_key, "[API key]")
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"
