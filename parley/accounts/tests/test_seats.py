"""Seats: the limit holds on every path and under concurrent signups."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.accounts import services
from parley.accounts.models import CreatedVia, Status
from parley.errors import SeatLimitReached, ValidationFailed
from parley.tests.serving import postgres_database

RACE_SCRIPT = Path(__file__).with_name("seat_race.py")


def test_creating_a_user_takes_a_seat(make_user):
    make_user()
    assert str(services.seat_usage()) == "1/unlimited"


def test_no_free_seat_refuses_creation_and_creates_nothing(make_user):
    make_user(email="first@example.com")
    services.set_seat_limit(limit=1)
    with pytest.raises(SeatLimitReached):
        make_user(email="second@example.com")
    assert services.find_user_by_email("second@example.com") is None
    assert services.seat_usage().used == 1


def test_deactivated_users_free_their_seat_and_reactivation_needs_one(make_user):
    first = make_user()
    services.set_seat_limit(limit=1)
    services.deactivate_user(user=first)
    second = make_user()
    with pytest.raises(SeatLimitReached):
        services.reactivate_user(user=first)
    first.refresh_from_db()
    assert first.status == Status.DEACTIVATED
    services.deactivate_user(user=second)
    assert services.reactivate_user(user=first).status == Status.ACTIVE


def test_limit_below_seats_in_use_is_refused(make_user):
    make_user()
    make_user()
    with pytest.raises(ValidationFailed) as refused:
        services.set_seat_limit(limit=1)
    assert "2 seats are in use" in refused.value.user_message
    assert services.seat_usage().limit is None


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_invalid_seat_limits_are_refused(db, bad):
    with pytest.raises(ValidationFailed):
        services.set_seat_limit(limit=bad)


def test_unlimited_limit_can_be_restored(make_user):
    services.set_seat_limit(limit=5)
    assert services.set_seat_limit(limit=None).limit is None


def _race(env: dict) -> str:
    result = subprocess.run(
        [sys.executable, str(RACE_SCRIPT), "50", "10"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_fifty_concurrent_signups_against_ten_seats_make_ten_users_on_sqlite(tmp_path):
    out = _race({"PARLEY_DATA_DIR": str(tmp_path), "DATABASE_URL": ""})
    assert out == "created=10 refused=40 users=10 active=10"


@pytest.mark.postgres
def test_fifty_concurrent_signups_against_ten_seats_make_ten_users_on_postgres(tmp_path):
    with postgres_database() as database_url:
        out = _race({"PARLEY_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url})
    assert out == "created=10 refused=40 users=10 active=10"


def test_email_is_unique_ignoring_case_and_spaces(make_user):
    from parley.errors import EmailTaken

    make_user(email="Ada@Example.com")
    with pytest.raises(EmailTaken):
        make_user(email="  ada@example.COM ")
    assert services.find_user_by_email("ADA@example.com").email == "Ada@Example.com"


def test_users_made_outside_jwt_get_short_numeric_public_ids(make_user):
    user = make_user(created_via=CreatedVia.EMAIL)
    assert user.public_id.isdigit() and 7 <= len(user.public_id) <= 12
