"""The token tester's view of a pasted code: its header and payload decoded leniently, for
people to read; nothing here is trusted or checked."""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from .verify import MAX_TOKEN_CHARS

MAX_DISPLAY_CHARS = 20_000


@dataclass(frozen=True)
class DecodedPart:
    """A header or payload segment decoded for display only: never trusted, never used."""

    text: str | None
    note: str = ""


def header_alg(code: str) -> str:
    """The header's `alg`, read leniently: what the algorithm check names when the signature
    failed and no verified header is at hand."""
    header = _parse_json(_b64decode(code.split(".", 1)[0]))
    alg = header.get("alg") if isinstance(header, dict) else None
    return alg if isinstance(alg, str) else "The algorithm"


def decode_for_display(code: str) -> tuple[DecodedPart, DecodedPart]:
    """Header and payload as readable text, decoded leniently for display only; the
    tester's checks never use what this returns."""
    segments = code[: MAX_TOKEN_CHARS * 4].split(".")
    if len(segments) < 2:
        missing = DecodedPart(None, "Not a JWT: there is no “.” separating header and payload.")
        return _display(segments[0], "header"), missing
    return _display(segments[0], "header"), _display(segments[1], "payload")


def _display(segment: str, part: str) -> DecodedPart:
    raw = _b64decode(segment)
    if raw is None:
        return DecodedPart(None, f"The {part} is not base64url.")
    text = raw.decode("utf-8", errors="replace")
    value = _parse_json(raw)
    if value is _NOT_JSON:
        return DecodedPart(_cut(text), f"The {part} is not JSON; shown as text.")
    try:
        pretty = json.dumps(value, indent=2, ensure_ascii=False)
    except (RecursionError, ValueError):
        return DecodedPart(_cut(text), f"The {part} nests too deeply to lay out; shown as text.")
    note = "" if isinstance(value, dict) else f"The {part} is JSON but not an object."
    return DecodedPart(_cut(pretty), note)


_NOT_JSON = object()


def _parse_json(raw: bytes | None):
    if raw is None:
        return _NOT_JSON
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _NOT_JSON


def _b64decode(segment: str) -> bytes | None:
    cleaned = segment.strip().rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return None


def _cut(text: str) -> str:
    if len(text) <= MAX_DISPLAY_CHARS:
        return text
    return text[:MAX_DISPLAY_CHARS] + "\n… (cut)"


TIME_CLAIMS = (("iat", "issued at"), ("nbf", "not before"), ("exp", "expires"))


@dataclass(frozen=True)
class TimeClaim:
    """A time claim of the payload as a person reads it: the number and its date."""

    name: str
    meaning: str
    raw: str
    moment: datetime | None  # None: not a number a date can be made of


def time_claims(code: str) -> tuple[TimeClaim, ...]:
    """Every time claim (iat, nbf, exp) the payload holds, each as a date, read leniently
    for display: the tester's checks say whether they pass."""
    segments = code[: MAX_TOKEN_CHARS * 4].split(".")
    payload = _parse_json(_b64decode(segments[1])) if len(segments) > 1 else None
    if not isinstance(payload, dict):
        return ()
    found = []
    for name, meaning in TIME_CLAIMS:
        if name in payload:
            value = payload[name]
            found.append(TimeClaim(name, meaning, json.dumps(value)[:40], _moment(value)))
    return tuple(found)


def _moment(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:  # an absurd exp (1e400, 10**30) is no date, and no reason to fail the page
        return datetime.fromtimestamp(value, tz=UTC) if math.isfinite(value) else None
    except (OverflowError, OSError, ValueError):
        return None
