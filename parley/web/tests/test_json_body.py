"""The one JSON body parser: what it accepts, and a clear invalid_json for everything else."""

import pytest

from parley.strict_json import MAX_DEPTH
from parley.web.json_body import BodyTooLarge, InvalidJson, parse_json_body


def nested(depth: int) -> bytes:
    return b'{"content": ' + b"[" * depth + b"]" * depth + b"}"


def test_an_ordinary_body_is_parsed():
    body = '{"content": "h\\u00e9llo ✓", "model": 3, "t": 1.5, "tags": [null, true]}'
    assert parse_json_body(body.encode(), max_bytes=1000) == {
        "content": "héllo ✓",
        "model": 3,
        "t": 1.5,
        "tags": [None, True],
    }


# nested(MAX_DEPTH) is one level more than docs/api.md allows: a JWT payload that deep was
# refused while a request body that deep was taken.
@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 900, 5_000, 50_000])
def test_deep_nesting_is_invalid_json_not_a_crash(depth):
    with pytest.raises(InvalidJson) as refused:
        parse_json_body(nested(depth), max_bytes=1_000_000)
    assert refused.value.status == 400
    assert refused.value.user_message == f"The request body nests deeper than {MAX_DEPTH} levels."


def test_nesting_up_to_the_limit_is_accepted():
    assert parse_json_body(nested(MAX_DEPTH - 1), max_bytes=1000)["content"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "is not valid JSON"),
        (b"{not json", "is not valid JSON"),
        (b'{"a": NaN}', "NaN is not a number JSON allows"),
        (b'{"a": -Infinity}', "-Infinity is not a number JSON allows"),
        (b'{"a": 1e999}', "the number 1e999 is out of range"),
        (b'{"code": "a", "code": "b"}', 'has the key "code" more than once'),
        (b'{"a": "\xff"}', "is not UTF-8"),
        (b'{"a": "\\ud800"}', "lone surrogate"),
        (b'{"\\ud800": 1}', "lone surrogate"),
        (b"[]", "must be a JSON object, not an array"),
        (b'"code"', "must be a JSON object, not a string"),
        (b"null", "must be a JSON object, not null"),
    ],
)
def test_bodies_parley_does_not_accept_say_why(body, problem):
    with pytest.raises(InvalidJson) as refused:
        parse_json_body(body, max_bytes=1000)
    assert refused.value.code == "invalid_json"
    assert problem in refused.value.user_message


def test_a_top_level_array_is_accepted_where_no_object_is_expected():
    assert parse_json_body(b"[1, 2]", max_bytes=1000, object_only=False) == [1, 2]


def test_a_body_over_the_cap_is_too_large():
    with pytest.raises(BodyTooLarge) as refused:
        parse_json_body(b'{"a": "' + b"x" * 100 + b'"}', max_bytes=100)
    assert (refused.value.status, refused.value.code) == (413, "request_too_large")
