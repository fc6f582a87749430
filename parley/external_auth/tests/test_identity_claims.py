"""How a verified payload names its user (DESIGN §4.3): user → upsert, id → lookup, email."""

import pytest

from parley.accounts.validation import METADATA_MAX_BYTES
from parley.accounts.validation import PUBLIC_ID_MAX_LENGTH as MAX_ID_LENGTH
from parley.external_auth.claims import (
    LookupByEmail,
    LookupById,
    Upsert,
    parse_identity,
)
from parley.external_auth.errors import InvalidClaims

HIDDEN_CHARACTERS = [
    "\x00",
    "\n",
    "\r",
    "\t",
    "\x1b",
    "\x7f",
    "\x85",
    "\u200b",
    "\u202e",
    "\u2028",
    "\ufeff",
]


def test_a_user_object_wins_over_id_and_email():
    payload = {"user": {"id": "u1"}, "id": 5, "email": "a@example.com"}
    assert parse_identity(payload=payload) == Upsert(user_id="u1", email=None, metadata={})


def test_metadata_is_everything_in_user_except_id_and_email():
    payload = {"user": {"id": "u1", "email": "a@example.com", "team": "ops", "tags": ["x"]}}
    assert parse_identity(payload=payload).metadata == {"team": "ops", "tags": ["x"]}


@pytest.mark.parametrize("email", [None, "", "   "])
def test_a_null_or_empty_user_email_means_no_email(email):
    assert parse_identity(payload={"user": {"id": "u1", "email": email}}).email is None


def test_a_user_email_is_trimmed():
    assert parse_identity(payload={"user": {"id": "u1", "email": " a@b.example "}}).email == (
        "a@b.example"
    )


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "a@",
        "@example.com",
        5,
        ["a@example.com"],
        "a@example.com\nBcc: x@example.com",
        "x" * 250 + "@example.com",
    ],
)
def test_an_implausible_user_email_is_invalid(email):
    with pytest.raises(InvalidClaims, match="user.email"):
        parse_identity(payload={"user": {"id": "u1", "email": email}})


@pytest.mark.parametrize("user", ["u1", ["u1"], None, 5, True])
def test_a_user_that_is_not_an_object_is_invalid(user):
    with pytest.raises(InvalidClaims, match="^user is .*, not an object$"):
        parse_identity(payload={"user": user})


@pytest.mark.parametrize(
    "user_id",
    ["", "   ", "x" * (MAX_ID_LENGTH + 1), 4.2, True, None, ["u1"], {"id": "u1"}, 10**300]
    + [f"u{ch}1" for ch in HIDDEN_CHARACTERS],
)
def test_a_user_id_that_is_not_a_clean_short_string_is_invalid(user_id):
    with pytest.raises(InvalidClaims, match="user.id"):
        parse_identity(payload={"user": {"id": user_id}})


def test_an_integer_user_id_means_its_decimal_string():
    assert parse_identity(payload={"user": {"id": 42}}).user_id == "42"


def test_a_user_object_without_id_is_invalid():
    with pytest.raises(InvalidClaims, match="no id"):
        parse_identity(payload={"user": {"email": "a@example.com"}})


def test_a_user_id_of_exactly_255_characters_and_unicode_text_is_fine():
    for user_id in ("x" * MAX_ID_LENGTH, "Zoë-Ångström 田中", "a b"):
        assert parse_identity(payload={"user": {"id": user_id}}).user_id == user_id


@pytest.mark.parametrize(
    "value,expected",
    [(1234, "1234"), (0, "0"), ("1234", "1234"), ("abc-1", "abc-1"), (10**20, "1" + "0" * 20)],
)
def test_an_id_is_an_integer_in_decimal_or_a_string_as_is(value, expected):
    assert parse_identity(payload={"id": value}) == LookupById(public_id=expected)


@pytest.mark.parametrize(
    "value",
    [
        1234.0,
        12.5,
        True,
        False,
        None,
        {},
        {"id": 1},
        [],
        [1234],
        "",
        "  ",
        10**300,
        "x" * (MAX_ID_LENGTH + 1),
    ]
    + [f"1{ch}2" for ch in HIDDEN_CHARACTERS],
)
def test_an_id_of_any_other_shape_is_invalid(value):
    with pytest.raises(InvalidClaims, match="id"):
        parse_identity(payload={"id": value, "email": "fallback@example.com"})


def test_email_alone_looks_up_by_email():
    assert parse_identity(payload={"email": "a@example.com"}) == LookupByEmail(
        email="a@example.com"
    )


@pytest.mark.parametrize("email", ["", None, "nope", 5, ["a@example.com"]])
def test_an_email_lookup_needs_a_plausible_address(email):
    with pytest.raises(InvalidClaims, match="email"):
        parse_identity(payload={"email": email})


@pytest.mark.parametrize("payload", [{}, {"sub": "u1"}, {"name": "x", "exp": 1}])
def test_a_payload_naming_nobody_is_invalid(payload):
    with pytest.raises(InvalidClaims) as refused:
        parse_identity(payload=payload)
    assert refused.value.reason == "payload needs id, email or user.id"


@pytest.mark.parametrize(
    "metadata", [{"note": "a\x00b"}, {"a\x00": 1}, {"deep": [{"x": ["\x00"]}]}]
)
def test_metadata_with_a_nul_character_is_invalid(metadata):
    with pytest.raises(InvalidClaims, match="U\\+0000"):
        parse_identity(payload={"user": {"id": "u1", **metadata}})


def test_metadata_over_16_kib_is_invalid_and_says_how_large_it_is():
    with pytest.raises(InvalidClaims) as refused:
        parse_identity(payload={"user": {"id": "u1", "notes": "x" * METADATA_MAX_BYTES}})
    assert refused.value.reason == (
        f"user metadata is {METADATA_MAX_BYTES + 13} bytes of JSON, more than {METADATA_MAX_BYTES}"
    )
