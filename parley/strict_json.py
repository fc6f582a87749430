"""The one strict reading of untrusted JSON (request bodies, a JWT's header and payload)."""

import json
from typing import Any

# Parley's JSON is flat ({"code": …}, a JWT payload, a user's metadata); 32 levels is far
# beyond any of it and far below where the decoder would recurse out of stack.
MAX_DEPTH = 32


class JsonRefused(ValueError):
    """Why a text is not JSON Parley takes; the message reads after the text's name
    ("The request body …", "payload …")."""


def loads(raw: bytes) -> Any:
    """UTF-8 JSON with no duplicate keys, no NaN or Infinity, no lone surrogates (which could
    not be stored or sent on as UTF-8) and at most MAX_DEPTH levels; else JsonRefused."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_refuse_duplicate_keys,
            parse_constant=_refuse_non_finite,
            parse_float=_finite_float,
        )
    except UnicodeDecodeError:
        raise JsonRefused("is not UTF-8") from None
    except RecursionError:
        raise JsonRefused(f"nests deeper than {MAX_DEPTH} levels") from None
    except JsonRefused:
        raise
    except ValueError as error:  # json.JSONDecodeError and the number refusals below
        raise JsonRefused(f"is not valid JSON: {str(error)[:120]}") from None
    check_values(value)
    return value


def check_values(value: Any, *, nul_allowed: bool = True) -> None:
    """JsonRefused when `value` nests deeper than MAX_DEPTH levels or holds a lone surrogate
    (or U+0000, unless `nul_allowed`); without recursion: it may be 900 levels deep."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list) and depth > MAX_DEPTH:
            raise JsonRefused(f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if not nul_allowed and "\x00" in item:
                raise JsonRefused("contains a U+0000 character")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise JsonRefused("contains a lone surrogate (\\ud800-\\udfff)") from None


def json_type(value: Any) -> str:
    """A value's JSON type as a message names it: "an object", "null", "a boolean" …"""
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    names = {dict: "an object", list: "an array", str: "a string", int: "an integer"}
    return names.get(type(value), "a number")


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonRefused(f"has the key {json.dumps(key)[:60]} more than once")
            seen.add(key)
    return result


def _refuse_non_finite(text: str) -> float:
    raise ValueError(f"{text} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value
