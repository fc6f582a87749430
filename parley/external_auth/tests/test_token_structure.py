"""Only a strict compact JWS gets as far as the signature; everything else is malformed."""

import json

import pytest

from parley.external_auth.errors import InvalidSignature, JwtDisabled, MalformedToken
from parley.external_auth.keys import VerificationKeys
from parley.external_auth.verify import MAX_TOKEN_CHARS, VerifyPolicy, verify_token

from .factories import NOW, SECRET, b64url, compact, hs256, secret_keys

HEADER = {"alg": "HS256", "typ": "JWT"}


def verify(token):
    return verify_token(token=token, keys=secret_keys(), policy=VerifyPolicy(), now=NOW)


def signed(payload):
    return compact(HEADER, payload, key=SECRET.encode())


def test_a_well_formed_code_verifies():
    assert verify(hs256({"id": 1})).payload == {"id": 1}


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.rsplit(".", 1)[0],  # signature and its dot cut off
        lambda t: t.split(".")[0],  # header only
        lambda t: t + ".",  # extra empty segment
        lambda t: t + ".AAAA",  # extra segment
        lambda t: t + ".AAAA.AAAA",  # five segments, shaped like a JWE
        lambda t: "",
        lambda t: "..",
    ],
    ids=[
        "two-segments",
        "one-segment",
        "trailing-dot",
        "four-segments",
        "five-segments",
        "empty",
        "only-dots",
    ],
)
def test_truncated_or_extended_codes_are_malformed(mangle):
    with pytest.raises(MalformedToken):
        verify(mangle(hs256({"id": 1})))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda h, p, s: (h + "=", p, s),  # padding
        lambda h, p, s: (h, p + "==", s),
        lambda h, p, s: (h, p, s + "="),
        lambda h, p, s: (h.replace("J", "+", 1), p, s),  # standard base64 alphabet
        lambda h, p, s: (h, p, s[:-1] + "/"),
        lambda h, p, s: (h + " ", p, s),  # whitespace
        lambda h, p, s: (h, " " + p, s),
        lambda h, p, s: (h, p, s + "\n"),
        lambda h, p, s: (h, p + "%3D", s),  # URL-encoded padding
        lambda h, p, s: (h, p + "é", s),  # non-ASCII
        lambda h, p, s: (h, p + "A", s),  # length 4n+1 cannot be base64
    ],
)
def test_segments_that_are_not_strict_base64url_are_malformed(mangle):
    token = signed({"id": 1})
    with pytest.raises(MalformedToken):
        verify(".".join(mangle(*token.split("."))))


def test_base64url_with_nonzero_unused_bits_is_malformed():
    # "AB" and "AA" both decode to b"\x00"; only the canonical "AA" is accepted.
    header = b64url(json.dumps(HEADER).encode())
    token = compact(HEADER, b"\x00", key=SECRET.encode())
    assert token.split(".")[1] == "AA"
    with pytest.raises(MalformedToken, match="canonical"):
        verify(f"{header}.AB.{token.split('.')[2]}")


@pytest.mark.parametrize(
    "header_text",
    ["not json", "[]", '["HS256"]', '"HS256"', "null", "", '{"alg":"HS256"', "{'alg':'HS256'}"],
)
def test_a_header_that_is_not_a_json_object_is_malformed(header_text):
    token = f"{b64url(header_text.encode())}.{b64url(b'{}')}.{b64url(b'x' * 32)}"
    with pytest.raises(MalformedToken):
        verify(token)


def test_a_header_with_a_duplicate_alg_is_malformed():
    # Parsers disagree on which duplicate wins; "none" then "HS256" must not be resolved.
    token = compact('{"alg":"none","alg":"HS256"}', {"id": 1}, key=SECRET.encode())
    with pytest.raises(MalformedToken, match="more than once"):
        verify(token)


@pytest.mark.parametrize(
    "payload_text",
    [
        '{"id": 1, "id": 2}',
        '{"user": {"id": "a", "id": "b"}}',
        '{"email": "a@example.com", "email": "admin@example.com"}',
    ],
)
def test_a_signed_payload_with_duplicate_keys_is_malformed(payload_text):
    with pytest.raises(MalformedToken, match="more than once"):
        verify(signed(payload_text))


@pytest.mark.parametrize(
    "payload_text",
    ['[{"id": 1}]', "[]", '"id"', "1234", "null", "true", "", "not json", '{"id": 1'],
)
def test_a_signed_payload_that_is_not_a_json_object_is_malformed(payload_text):
    with pytest.raises(MalformedToken):
        verify(signed(payload_text))


def test_a_forged_payload_that_is_not_json_fails_on_the_signature_first():
    # The payload is parsed only once it is authenticated (see verify_token's comment).
    genuine = signed({"id": 1}).split(".")
    with pytest.raises(InvalidSignature):
        verify(f"{genuine[0]}.{b64url(b'[1,2,3]')}.{genuine[2]}")


@pytest.mark.parametrize(
    "payload_text",
    ['{"exp": NaN}', '{"exp": Infinity}', '{"exp": -Infinity}', '{"exp": 1e400}'],
)
def test_non_finite_numbers_are_malformed(payload_text):
    with pytest.raises(MalformedToken):
        verify(signed(payload_text))


def test_an_unpaired_surrogate_escape_is_malformed():
    with pytest.raises(MalformedToken, match="surrogate"):
        verify(signed('{"user": {"id": "a\\ud800b"}}'))


@pytest.mark.parametrize("depth", [40, 3000])
def test_deeply_nested_payloads_are_malformed(depth):
    with pytest.raises(MalformedToken, match="nest"):
        verify(signed('{"user": {"id": "a", "x": ' + "[" * depth + "]" * depth + "}}"))


@pytest.mark.parametrize(
    "raw", ['{"id": 1}'.encode("utf-16"), b"\xef\xbb\xbf" + b'{"id": 1}', b'{"id": "\xff"}']
)
def test_payloads_that_are_not_plain_utf8_are_malformed(raw):
    with pytest.raises(MalformedToken):
        verify(signed(raw))


def test_a_code_over_8_kib_is_malformed_even_when_correctly_signed():
    token = hs256({"user": {"id": "a", "filler": "x" * 6200}})
    assert len(token) > MAX_TOKEN_CHARS
    with pytest.raises(MalformedToken, match="more than 8192"):
        verify(token)


def test_a_code_just_under_8_kib_verifies():
    token = hs256({"user": {"id": "a", "filler": "x" * 6000}})
    assert len(token) <= MAX_TOKEN_CHARS
    assert verify(token).payload["user"]["id"] == "a"


@pytest.mark.parametrize("token", [None, b"a.b.c", 123, ["a", "b", "c"]])
def test_a_code_that_is_not_text_is_malformed(token):
    with pytest.raises(MalformedToken):
        verify(token)


def test_without_any_configured_key_jwt_login_is_disabled():
    with pytest.raises(JwtDisabled):
        verify_token(token=hs256({"id": 1}), keys=VerificationKeys(), policy=VerifyPolicy())
