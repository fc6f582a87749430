"""What each branding field may hold: the one set of rules the admin page, the API and the
CLI all call, so a bad colour or URL gets the same clear error everywhere."""

import re
from typing import Any
from urllib.parse import urlsplit

from parley.accounts.validation import first_invisible_character
from parley.errors import ValidationFailed, shown
from parley.strict_json import json_type

from .models import Branding

NAME_MAX = Branding._meta.get_field("name").max_length
FROM_NAME_MAX = Branding._meta.get_field("email_from_name").max_length
SUBJECT_PREFIX_MAX = Branding._meta.get_field("email_subject_prefix").max_length
RETURN_URL_MAX = Branding._meta.get_field("return_url").max_length
WELCOME_MAX = 500
PROMPT_MAX = 200
MAX_PROMPTS = 4
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _text(value: Any, *, field: str, label: str, max_length: int, multiline=False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(
            f"{field} is {json_type(value)}, not a string",
            user_message=f"The {label} must be text.",
        )
    value = value.strip()
    if multiline:
        value = value.replace("\r\n", "\n")
        lines = value.split("\n")
        checked = "".join(lines)
    else:
        checked = value
    if len(value) > max_length:
        raise ValidationFailed(
            f"{field} has {len(value)} characters, more than {max_length}",
            user_message=f"The {label} must be at most {max_length} characters.",
        )
    refused = first_invisible_character(checked)
    if refused is not None:
        raise ValidationFailed(
            f"{field} {shown(value)} contains U+{ord(refused):04X}",
            user_message=f"The {label} must not contain invisible or control characters"
            + ("" if multiline else " or line breaks")
            + ".",
        )
    return value


def clean_name(value: Any) -> str:
    name = " ".join(_text(value, field="name", label="name", max_length=NAME_MAX).split())
    if not name:
        raise ValidationFailed("empty name", user_message="The instance needs a name.")
    return name


def clean_accent(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not _COLOR.match(text):
        raise ValidationFailed(
            f"accent colour {shown(value)} is not #RRGGBB",
            user_message=(
                f"“{str(value)[:20]}” is not a colour: write it as # and six hex digits, "
                "e.g. #4f46e5."
            ),
        )
    return text.lower()


def clean_welcome(value: Any) -> str:
    return _text(
        value, field="welcome", label="welcome text", max_length=WELCOME_MAX, multiline=True
    )


def clean_starter_prompts(value: Any) -> list[str]:
    """Up to MAX_PROMPTS one-line prompts; empty ones are dropped."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationFailed(
            f"starter prompts are {json_type(value)}, not a list",
            user_message="Starter prompts must be a list of texts.",
        )
    prompts = [
        prompt
        for item in value
        if (prompt := _text(item, field="starter prompt", label="starter prompt", max_length=200))
    ]
    if len(prompts) > MAX_PROMPTS:
        raise ValidationFailed(
            f"{len(prompts)} starter prompts, more than {MAX_PROMPTS}",
            user_message=f"At most {MAX_PROMPTS} starter prompts; {len(prompts)} were given.",
        )
    return prompts


def clean_from_name(value: Any) -> str:
    name = _text(value, field="email from name", label="sender name", max_length=FROM_NAME_MAX)
    if any(c in name for c in '<>"'):
        raise ValidationFailed(
            f'email from name {shown(name)} has <, > or "',
            user_message="The sender name must not contain <, > or quotes.",
        )
    return name


def clean_subject_prefix(value: Any) -> str:
    return _text(
        value, field="subject prefix", label="subject prefix", max_length=SUBJECT_PREFIX_MAX
    )


def clean_return_url(value: Any) -> str:
    """An http(s) address people are sent back to, or "" for none."""
    url = _text(value, field="return url", label="“back to your app” URL", max_length=500)
    if not url:
        return ""
    problem = f"“{url[:80]}” is not a web address: it must start with https:// or http://."
    if any(c.isspace() for c in url):
        raise ValidationFailed(f"return url {shown(url)} has spaces", user_message=problem)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        error = ValidationFailed(f"return url {shown(url)} unparsable", user_message=problem)
        raise error from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(f"return url {shown(url)} not http(s)", user_message=problem)
    if parts.username or parts.password:
        raise ValidationFailed(
            f"return url {shown(url)} has credentials",
            user_message="The “back to your app” URL must not contain a user name or password.",
        )
    return url
