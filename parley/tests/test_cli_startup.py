"""A `parley` command that reads or writes a setting loads only what it uses: not the REST
API's ninja/pydantic, not the chat's provider SDK and HTTP clients, not the SSO providers'
`requests`, not prometheus_client (bench/cli_startup.py measures the time this saves). And
it still brings a new or an older database up to date before it runs."""

import subprocess
import sys

import pytest
from django.db import connection

from parley.ops.schema import migration_files, schema_is_current
from parley.tests.serving import parley_env

# Loaded by the web server, the API, the chat, SSO or JWT key handling, never by a settings
# command.
NOT_NEEDED = ("ninja", "pydantic", "openai", "aiohttp", "httpx", "requests", "prometheus_client",
              "jwt", "cryptography")  # fmt: skip
SHOW_LOADED = (
    "import sys; from parley.cli import main; code = main(sys.argv[1:]); "
    f"print(sorted(m for m in {NOT_NEEDED!r} if m in sys.modules), file=sys.stderr); "
    "sys.exit(code)"
)


def _python(data_dir, *args):
    """Python in a fresh process on the embedded default (SQLite in `data_dir`)."""
    return subprocess.run(
        [sys.executable, *args], env=parley_env(data_dir), capture_output=True, text=True
    )


def run_cli(data_dir, *argv):
    return _python(data_dir, "-c", SHOW_LOADED, *argv)


@pytest.mark.parametrize(
    "argv", [("seats",), ("jwt", "policy"), ("users", "list"), ("groups", "list")]
)
def test_a_settings_command_does_not_load_the_api_chat_or_sso_libraries(tmp_path, argv):
    first = run_cli(tmp_path, *argv)  # a new database: migrates it
    assert first.returncode == 0, first.stderr
    again = run_cli(tmp_path, *argv)  # an up-to-date one: skips `migrate`
    assert again.returncode == 0, again.stderr
    for result in (first, again):
        assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr


def test_a_database_missing_a_migration_is_not_current(db):
    assert schema_is_current()  # the test database, migrated
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id DESC LIMIT 1")
        app, name = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    assert (app, name) in migration_files()
    assert not schema_is_current()  # so the command runs `migrate`


def test_a_database_without_the_migrations_table_is_not_current(db):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_migrations RENAME TO moved_away")
    try:
        assert not schema_is_current()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE moved_away RENAME TO django_migrations")


def _parley(data_dir, *argv):
    return _python(data_dir, "-m", "parley.cli", *argv)


def test_help_still_lists_every_command_though_a_command_builds_only_its_own(tmp_path):
    from parley.cli import GROUP_OF

    listing = _parley(tmp_path, "--help")
    assert listing.returncode == 0
    assert all(name in listing.stdout for name in GROUP_OF)
    own = _parley(tmp_path, "jwt", "--help")
    assert own.returncode == 0 and "policy" in own.stdout and "rotate" in own.stdout
    wrong = _parley(tmp_path, "seat")
    assert wrong.returncode == 2 and "invalid choice: 'seat'" in wrong.stderr
    assert "seats" in wrong.stderr  # the choices, to correct the typo
    bad_sub = _parley(tmp_path, "seats", "sett", "3")
    assert bad_sub.returncode == 2 and "invalid choice: 'sett'" in bad_sub.stderr


GC_AFTER = (
    "import gc, sys; from parley.cli import main; "
    "from parley.cli import seats; "
    "seats.seats_command = lambda args: print('collecting', gc.isenabled()); "
    "code = main(['seats']); print('after', gc.isenabled()); sys.exit(code)"
)


def test_garbage_collection_is_on_while_a_command_runs_and_after(tmp_path):
    # Collection pauses only while Django sets up (parley/cli/__init__.py).
    result = _python(tmp_path, "-c", GC_AFTER)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["collecting", "True", "after", "True"]
