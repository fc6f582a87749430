"""What a user's public id, email and metadata may hold: the one rule every way in checks."""

import json
import sys
import unicodedata
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from parley.errors import ValidationFailed, shown
from parley.strict_json import JsonRefused, check_values, json_type

from .models import User

PUBLIC_ID_MAX_LENGTH = User._meta.get_field("public_id").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
NAME_MAX_LENGTH = User._meta.get_field("name").max_length
METADATA_MAX_BYTES = 16 * 1024
# Control, format (zero-width, bidi overrides), surrogate and line/paragraph separator
# characters: invisible or layout-changing, so two ids that look alike could differ, and a
# JWT could never name the user.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def first_invisible_character(text: str) -> str | None:
    """The first control, format (zero-width, bidi), surrogate or line/paragraph separator
    character in `text`: names that look alike must not differ by one (ids, group names)."""
    return next((c for c in text if unicodedata.category(c) in _REFUSED_CATEGORIES), None)


def clean_public_id(public_id: Any, *, field: str = "public id") -> str:
    """A public id as given, or ValidationFailed. `field` names it in the audit reason
    (a JWT's "user.id")."""
    if not isinstance(public_id, str):
        raise ValidationFailed(
            f"{field} {shown(public_id)} is {json_type(public_id)}, not a string",
            user_message="The user ID must be text.",
        )
    if not public_id.strip():
        raise ValidationFailed(f"{field} is empty", user_message="The user ID must not be empty.")
    if len(public_id) > PUBLIC_ID_MAX_LENGTH:
        raise ValidationFailed(
            f"{field} has {len(public_id)} characters, more than {PUBLIC_ID_MAX_LENGTH}",
            user_message=f"The user ID must be at most {PUBLIC_ID_MAX_LENGTH} characters.",
        )
    refused = first_invisible_character(public_id)
    if refused is not None:
        raise ValidationFailed(
            f"{field} {shown(public_id)} contains the invisible or control character "
            f"U+{ord(refused):04X}",
            user_message=(
                "The user ID must not contain invisible or control characters "
                f"(it contains U+{ord(refused):04X})."
            ),
        )
    return public_id


@cache
def public_id_pattern() -> str:
    """clean_public_id as a regular expression (length aside), for the API's OpenAPI schema:
    something besides spaces, and no refused character. Built on first use from the same
    categories; it scans every code point, so only the schema page asks for it."""
    refused: list[tuple[int, int]] = []
    for point in range(sys.maxunicode + 1):
        # Surrogates (Cs) are left out: no JSON text carries one alone (the body parser
        # refuses it), and validators whose regexes work on Unicode scalars reject the range.
        if unicodedata.category(chr(point)) in _REFUSED_CATEGORIES - {"Cs"}:
            if refused and refused[-1][1] == point - 1:
                refused[-1] = (refused[-1][0], point)
            else:
                refused.append((point, point))
    # \uXXXX where JSON Schema's and Python's regexes agree; the character itself above U+FFFF.
    char = lambda point: f"\\u{point:04x}" if point <= 0xFFFF else chr(point)  # noqa: E731
    ranges = "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in refused)
    return f"^[^{ranges}]*[^\\s{ranges}][^{ranges}]*$"


def clean_email(email: str | None, *, required: bool = False, field: str = "email") -> str | None:
    """An email address trimmed, or None when empty and optional; else ValidationFailed."""
    email = (email or "").strip()
    if not email:
        if required:
            raise ValidationFailed(f"{field} missing", user_message="An email address is required.")
        return None
    # Django's validator allows 320 characters; the column holds EMAIL_MAX_LENGTH (RFC 5321's
    # limit for a path), and a longer one must be refused here, not by the database.
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationFailed(
            f"{field} has {len(email)} characters, more than {EMAIL_MAX_LENGTH}",
            user_message=(
                f"An email address can be at most {EMAIL_MAX_LENGTH} characters; "
                f"this one has {len(email)}."
            ),
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(
            f"{field} {shown(email)} is not a valid email address",
            user_message=f"“{email[:80]}” is not a valid email address.",
        ) from None
    return email


def clean_name(name: Any, *, field: str = "name") -> str:
    """A display name: text of at most NAME_MAX_LENGTH characters with no invisible or control
    character, surrounding spaces dropped; "" for none. `field` names it in the audit reason."""
    if name is None:
        return ""
    if not isinstance(name, str):
        raise ValidationFailed(
            f"{field} {shown(name)} is {json_type(name)}, not a string",
            user_message="The name must be text.",
        )
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            f"{field} has {len(name)} characters, more than {NAME_MAX_LENGTH}",
            user_message=f"The name must be at most {NAME_MAX_LENGTH} characters.",
        )
    refused = first_invisible_character(name)
    if refused is not None:
        raise ValidationFailed(
            f"{field} {shown(name)} contains the invisible or control character "
            f"U+{ord(refused):04X}",
            user_message="The name must not contain invisible or control characters.",
        )
    return name


def clean_metadata(metadata: Any, *, field: str = "metadata") -> dict[str, Any]:
    """A user's metadata: a JSON object of at most METADATA_MAX_BYTES and MAX_DEPTH levels,
    with no U+0000 anywhere, on every database alike; else ValidationFailed."""
    if not isinstance(metadata, dict):
        raise ValidationFailed(
            f"{field} is {json_type(metadata)}, not an object",
            user_message="Metadata must be a JSON object.",
        )
    try:
        check_values(metadata, nul_allowed=False)  # PostgreSQL's jsonb cannot hold U+0000
    except JsonRefused as error:
        raise ValidationFailed(f"{field} {error}", user_message=f"Metadata {error}.") from None
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode())
    except (TypeError, ValueError) as error:
        raise ValidationFailed(
            f"{field} is not JSON: {error}", user_message="Metadata must be plain JSON."
        ) from None
    if size > METADATA_MAX_BYTES:
        raise ValidationFailed(
            f"{field} is {size} bytes of JSON, more than {METADATA_MAX_BYTES}",
            user_message=f"Metadata must be at most {METADATA_MAX_BYTES // 1024} KiB of JSON.",
        )
    return metadata
