"""Unix times (the seconds of JWT claims and time.time()) as aware datetimes."""

from datetime import UTC, datetime


def from_timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
