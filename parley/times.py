"""Durations as operators write them (7d, 30m; an amount and a unit) and JWT timestamps."""

import re
from datetime import UTC, datetime, timedelta

# Largest first: a duration is shown in the largest unit that divides it.
UNIT_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}
_SUFFIXES = {unit[0]: unit for unit in UNIT_SECONDS}  # d, h, m, s
_DURATION = re.compile(r"^(\d+)([dhms]?)$")


def parse_duration(text: str) -> timedelta:
    """'90s', '30m', '24h', '7d' (or plain seconds) → timedelta; ValueError says what's wrong."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30m, 24h or 7d")
    amount, suffix = match.groups()
    return timedelta(seconds=int(amount) * UNIT_SECONDS[_SUFFIXES.get(suffix, "seconds")])


def format_duration(seconds: int | None) -> str:
    """Seconds as parse_duration reads them, in the largest whole unit: 300 → '5m'."""
    if seconds is None:
        return "none"
    if not seconds:
        return "0s"
    amount, unit = split_duration(seconds, units=tuple(UNIT_SECONDS))
    return f"{amount}{unit[0]}"


def split_duration(seconds: int, *, units: tuple[str, ...]) -> tuple[int, str]:
    """(amount, unit) in the largest of `units` that divides `seconds`; else rounded down
    to the smallest of them (at least 1), for a form that offers only those units."""
    for unit in units:
        if seconds % UNIT_SECONDS[unit] == 0:
            return seconds // UNIT_SECONDS[unit], unit
    smallest = units[-1]
    return max(seconds // UNIT_SECONDS[smallest], 1), smallest


def from_timestamp(timestamp: float) -> datetime:
    """A JWT's NumericDate (seconds since the epoch) as an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp, tz=UTC)
