"""The branding rules every way in shares: colours, URLs, names and starter prompts."""

import pytest

from parley.branding import validation
from parley.errors import ValidationFailed


@pytest.mark.parametrize("good", ["#4F46E5", " #0a0b0c ", "#ffffff"])
def test_a_hex_colour_is_accepted_lower_cased(good):
    assert validation.clean_accent(good) == good.strip().lower()


@pytest.mark.parametrize("bad", ["red", "#fff", "4f46e5", "#4f46e5ff", "#gggggg", "", None, 5])
def test_anything_but_hash_and_six_hex_digits_is_not_a_colour(bad):
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_accent(bad)
    assert "six hex digits" in caught.value.user_message


@pytest.mark.parametrize(
    "good", ["https://app.example.com", "http://localhost:3000/dashboard?x=1", ""]
)
def test_an_http_or_https_address_or_none_is_a_return_url(good):
    assert validation.clean_return_url(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com",
        "//evil.example",
        "/relative",
        "https://",
        "https://user:pass@app.example.com",
        "https://app.example.com/a b",
        "https://app.example.com:99999",
    ],
)
def test_anything_else_is_refused_as_a_return_url(bad):
    with pytest.raises(ValidationFailed):
        validation.clean_return_url(bad)


def test_the_name_is_needed_trimmed_and_single_line():
    assert validation.clean_name("  Acme   Chat ") == "Acme Chat"
    for bad in ["", "   ", "x" * 61, "Acme\u200bChat", "Acme\nChat"]:
        with pytest.raises(ValidationFailed):
            validation.clean_name(bad)


def test_up_to_four_starter_prompts_and_empty_ones_are_dropped():
    assert validation.clean_starter_prompts(["a", " ", "b"]) == ["a", "b"]
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_starter_prompts(["1", "2", "3", "4", "5"])
    assert "At most 4" in caught.value.user_message
    with pytest.raises(ValidationFailed):
        validation.clean_starter_prompts(["x" * 201])


def test_the_welcome_text_keeps_its_line_breaks():
    assert validation.clean_welcome("Hello\r\nthere") == "Hello\nthere"
    with pytest.raises(ValidationFailed):
        validation.clean_welcome("x" * 501)


def test_a_sender_name_cannot_smuggle_an_address_or_a_header():
    for bad in ["Acme <evil@example.com>", 'Acme"', "Acme\r\nBcc: x@example.com"]:
        with pytest.raises(ValidationFailed):
            validation.clean_from_name(bad)
