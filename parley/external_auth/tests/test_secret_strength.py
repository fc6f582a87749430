"""A pasted secret that cracking tools would find is refused with the reason; generated
secrets always pass."""

import base64
import secrets

import pytest

from parley.external_auth.errors import KeyRejected
from parley.external_auth.key_input import validate_admin_secret
from parley.external_auth.secret_strength import find_weakness, weak_secrets


@pytest.mark.parametrize(
    "secret",
    [
        # Both from jwt_tool's wordlist; `jwt_tool -C` cracked a code signed with them at once.
        "my_very_long_and_safe_secret_key",
        "12345678901234567890123456789012",
        "MY_VERY_LONG_AND_SAFE_SECRET_KEY",
        "reallyreallyreallyreallyverysafe",
        # Random-looking, but published in a public repository, so it is in the lists.
        "  03263301EA9A6A06E29A05A47D076495678089C1B6C26E12F21E4C492022E42D\n",
    ],
)
def test_a_secret_from_the_public_lists_is_refused_whatever_its_case(secret):
    with pytest.raises(KeyRejected) as refused:
        validate_admin_secret(secret)
    assert "public lists of leaked or common JWT secrets" in refused.value.user_message
    assert "Rotate secret" in refused.value.user_message


@pytest.mark.parametrize(
    "secret",
    [
        "secretsecretsecretsecretsecretsecret",
        "your-256-bit-secret-your-256-bit-secret",
        "Password-Password-Password-Password",
        "changeme00000000000000000000000000",
        "**********letmein**********letmein",
        "iloveyou1234567890123456789012345",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!supersecret",
    ],
)
def test_a_listed_word_repeated_or_padded_to_length_is_refused(secret):
    with pytest.raises(KeyRejected) as refused:
        validate_admin_secret(secret)
    assert "repeated or padded to length" in refused.value.user_message


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("Xy7Xy7Xy7Xy7Xy7Xy7Xy7Xy7Xy7Xy7Xy7Xy7", "repeats a short pattern"),
        ("0110100110010110100101100110100110010110", "repeats a short pattern"),
        ("abcdefghijklmnopqrstuvwxyz0123456789", "consecutive characters"),
        ("qwertyuiopasdfghjklzxcvbnm1234567890", "consecutive characters"),
        ("93847561029384756102938475610293", "repeats a short pattern"),
        ("48203917465820193746582019374658201937", "repeats a short pattern"),
        ("90381726354918273645091827364509", "only digits"),
        ("wkqzjvhdmxgcurtbnpyslfoeaiwkqzjvhd", "only lowercase letters"),
        ("WKQZJVHDMXGCURTBNPYSLFOEAIWKQZJVHD", "only uppercase letters"),
        ("!@#$%^&*()_+{}|:<>?~`-=[];',./\"\\", "only symbols"),
        ("QQx%7x7xQ%7%x7x7%Q7%7x7%77xx7777QQ77", "only 4 different characters"),
    ],
)
def test_a_low_entropy_secret_is_refused_saying_why(secret, message):
    with pytest.raises(KeyRejected) as refused:
        validate_admin_secret(secret)
    assert message in refused.value.user_message
    assert refused.value.reason.startswith("weak secret: ")


@pytest.mark.parametrize(
    "make",
    [
        lambda: secrets.token_urlsafe(32),
        lambda: secrets.token_hex(32),
        lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
        lambda: secrets.token_hex(16),
        lambda: base64.urlsafe_b64encode(secrets.token_bytes(24)).decode(),
    ],
    ids=["token_urlsafe(32)", "token_hex(32)", "base64(32 bytes)", "token_hex(16)", "b64(24)"],
)
def test_thousands_of_generated_secrets_all_pass(make):
    refused = [(secret, find_weakness(secret)) for secret in (make() for _ in range(3000))]
    assert [pair for pair in refused if pair[1] is not None] == []


@pytest.mark.parametrize(
    "secret",
    [
        "my-own-shared-secret-of-at-least-32-bytes!",
        "correct horse battery staple 2024 lamp",
        "Vq7-Xc9_Lp2mZr8Tn4Wk6Yb1Hd3Fg5Js",
    ],
)
def test_an_unlisted_varied_secret_is_accepted(secret):
    assert validate_admin_secret(secret) == secret


def test_the_shipped_list_is_compact_lowercased_and_holds_the_reported_secrets():
    listed = weak_secrets()
    assert 1000 < len(listed) < 6000
    assert all(entry == entry.lower() and entry == entry.strip() for entry in listed)
    assert {"my_very_long_and_safe_secret_key", "12345678901234567890123456789012"} <= listed
