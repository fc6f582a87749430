"""The last owner holds under concurrency: two owners deleting, deactivating or demoting each
other at the same moment on PostgreSQL leave one of them, round after round."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.tests.serving import postgres_database

RACE_SCRIPT = Path(__file__).with_name("owner_race.py")
ROUNDS = 20


@pytest.mark.postgres
@pytest.mark.timeout(180)
@pytest.mark.parametrize("action", ["delete", "deactivate", "demote"])
def test_the_last_two_owners_removing_each_other_at_once_leave_one_on_postgres(tmp_path, action):
    with postgres_database() as database_url:
        result = subprocess.run(
            [sys.executable, str(RACE_SCRIPT), str(ROUNDS), action],
            env={**os.environ, "PARLEY_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=150,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1"] * ROUNDS
