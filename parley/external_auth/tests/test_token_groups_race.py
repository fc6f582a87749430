"""Two logins naming the same new group at once make one group with both people in it, and
neither login fails (PostgreSQL, where the two really run at the same time)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.tests.serving import postgres_database

RACE_SCRIPT = Path(__file__).with_name("group_race.py")
ROUNDS = 10


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_two_logins_creating_the_same_unknown_group_at_once_make_one_group(tmp_path):
    with postgres_database() as database_url:
        result = subprocess.run(
            [sys.executable, str(RACE_SCRIPT), str(ROUNDS)],
            env={
                **os.environ,
                "PARLEY_DATA_DIR": str(tmp_path),
                "DATABASE_URL": database_url,
                "PARLEY_ALLOWED_HOSTS": "testserver",
            },
            capture_output=True,
            text=True,
            timeout=150,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["303+303 1 2"] * ROUNDS
