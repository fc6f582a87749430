"""The one parser for JSON request bodies: bounded in size and depth, strict in what it takes."""

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig

from parley.errors import ParleyError

# Parley's bodies are flat ({"code": …}, {"content": …}, a user's metadata); 32 levels is
# far beyond any of them and far below where the decoder would recurse out of stack.
MAX_DEPTH = 32


class InvalidJson(ParleyError):
    code = "invalid_json"
    status = 400
    user_message = "The request body is not valid JSON."


class BodyTooLarge(ParleyError):
    code = "request_too_large"
    status = 413
    user_message = "The request body is too large."


class _DuplicateKey(ValueError):
    pass


def request_json(request, *, max_bytes: int, object_only: bool = True) -> Any:
    """A Django request's body through parse_json_body; a body over Django's own upload
    cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is BodyTooLarge too, not Django's HTML 400 page."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise BodyTooLarge("body over DATA_UPLOAD_MAX_MEMORY_SIZE") from None
    return parse_json_body(raw, max_bytes=max_bytes, object_only=object_only)


def parse_json_body(raw: bytes, *, max_bytes: int, object_only: bool = True) -> Any:
    """The body as JSON (a dict when `object_only`), or InvalidJson / BodyTooLarge whose
    message says what is wrong. UTF-8 only; no NaN, Infinity, duplicate keys or lone
    surrogates (which could not be stored or sent on as UTF-8)."""
    if len(raw) > max_bytes:
        message = f"The request body is larger than {max_bytes} bytes."
        raise BodyTooLarge(f"body of {len(raw)} bytes", user_message=message)
    try:
        value = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_refuse_duplicate_keys,
            parse_constant=_refuse_non_finite,
            parse_float=_finite_float,
        )
    except UnicodeDecodeError:
        raise _invalid("is not UTF-8") from None
    except RecursionError:
        raise _invalid(f"nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # includes json.JSONDecodeError and our refusals
        raise _invalid(f"is not valid JSON: {str(error)[:120]}") from None
    if object_only and not isinstance(value, dict):
        raise _invalid(f"must be a JSON object, not {_json_type(value)}")
    _check_values(value)
    return value


def _invalid(problem: str) -> InvalidJson:
    message = f"The request body {problem}."
    return InvalidJson(message, user_message=message)


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"the key {json.dumps(key)[:60]} appears more than once")
            seen.add(key)
    return result


def _refuse_non_finite(text: str) -> float:
    raise ValueError(f"{text} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _check_values(value: Any) -> None:
    """Depth and string checks, without recursion (the value may be 900 levels deep)."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise _invalid(f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_string(item)


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _invalid("contains a lone surrogate (\\ud800-\\udfff)") from None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return {list: "an array", str: "a string"}.get(type(value), "a number")
