"""`parley` for end-to-end tests: its CLI, and a real `parley serve` (granian) in a subprocess."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

PARLEY = Path(sys.executable).with_name("parley")
# The PostgreSQL server (no database in the URL) and the Redis database the tests use:
# scripts/test exports the ones it found answering or started; else the usual local ports.
POSTGRES_URL = os.environ.get("PARLEY_TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432"
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parley_env(data_dir: Path, **extra: str) -> dict:
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "PARLEY_PUBLIC_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(extra)
    return env


def run_cli(env: dict, *argv: str) -> str:
    result = subprocess.run(
        [str(PARLEY), *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_one_line_error(code, err):
    """A CLI failure as the README promises: non-zero, one line on stderr, no traceback."""
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def jwt_users(env: dict) -> list[dict]:
    """The users External Authentication created (not the first-start admin)."""
    users = json.loads(run_cli(env, "users", "list", "--json"))
    return [user for user in users if user["created_via"] == "jwt"]


@contextlib.contextmanager
def serving(env: dict, log: Path, *, workers: int = 1):
    """Yield the base URL of a running `parley serve`; stop it afterwards."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(PARLEY), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/accounts/login/", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"parley serve did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def postgres_database():
    """A fresh PostgreSQL database on the test server (POSTGRES_URL); dropped afterwards."""
    name = f"parley_test_{uuid.uuid4().hex[:12]}"
    server = POSTGRES_URL.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_under(env: dict, *names: str) -> dict:
    """The named Django settings as parley/settings.py computes them from `env` (in a fresh
    interpreter, since settings are read once), or {"error": message} if it refuses."""
    script = (
        "import json\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "try:\n"
        "    import parley.settings as s\n"
        "except ImproperlyConfigured as error:\n"
        "    print(json.dumps({'error': str(error)}))\n"
        "else:\n"
        f"    print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
