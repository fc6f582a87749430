"""The one parser for JSON request bodies: bounded in size and depth, strict in what it takes."""

from typing import Any

from django.core.exceptions import RequestDataTooBig

from parley.errors import ParleyError
from parley.strict_json import JsonRefused, json_type, loads


class InvalidJson(ParleyError):
    code = "invalid_json"
    status = 400
    user_message = "The request body is not valid JSON."


class BodyTooLarge(ParleyError):
    code = "request_too_large"
    status = 413
    user_message = "The request body is too large."


def request_json(request, *, max_bytes: int, object_only: bool = True) -> Any:
    """A Django request's body through parse_json_body; a body over Django's own upload
    cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is BodyTooLarge too, not Django's HTML 400 page."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise BodyTooLarge("body over DATA_UPLOAD_MAX_MEMORY_SIZE") from None
    return parse_json_body(raw, max_bytes=max_bytes, object_only=object_only)


def parse_json_body(raw: bytes, *, max_bytes: int, object_only: bool = True) -> Any:
    """The body as strict JSON (parley.strict_json; a dict when `object_only`), or
    InvalidJson / BodyTooLarge whose message says what is wrong."""
    if len(raw) > max_bytes:
        message = f"The request body is larger than {max_bytes} bytes."
        raise BodyTooLarge(f"body of {len(raw)} bytes", user_message=message)
    try:
        value = loads(raw)
    except JsonRefused as refused:
        raise _invalid(str(refused)) from None
    if object_only and not isinstance(value, dict):
        raise _invalid(f"must be a JSON object, not {json_type(value)}")
    return value


def _invalid(problem: str) -> InvalidJson:
    message = f"The request body {problem}."
    return InvalidJson(message, user_message=message)
