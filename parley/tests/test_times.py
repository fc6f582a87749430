"""Durations read and print the same way in the CLI and the admin panel (parley/times.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from parley.times import format_duration, from_timestamp, parse_duration, split_duration


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("30m", 1800), ("24h", 86400), ("7d", 604800), ("45", 45), (" 2H ", 7200)],
)
def test_a_duration_reads_as_written(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "seconds, text",
    [(None, "none"), (0, "0s"), (90, "90s"), (300, "5m"), (7200, "2h"), (86400, "1d")],
)
def test_a_duration_prints_in_the_largest_whole_unit_and_reads_back(seconds, text):
    assert format_duration(seconds) == text
    if seconds is not None:
        assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["banana", "-5m", "1.5h", "5w", "", "m"])
def test_anything_else_is_refused_with_the_forms_that_work(text):
    with pytest.raises(ValueError, match="is not a duration like 30m, 24h or 7d"):
        parse_duration(text)


def test_the_panel_shows_a_stored_duration_in_the_largest_unit_its_select_offers():
    units = ("days", "hours", "minutes")
    assert split_duration(5400, units=units) == (90, "minutes")
    assert split_duration(172800, units=units) == (2, "days")
    # A value finer than the smallest unit offered shows rounded down, never as 0.
    assert split_duration(30, units=units) == (1, "minutes")
    assert split_duration(90, units=units) == (1, "minutes")


def test_a_jwt_timestamp_is_an_aware_utc_moment():
    assert from_timestamp(1_700_000_000) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
