"""`parley serve` on a fresh data dir: migrates, prints a working admin link, serves pages
through granian, and its output never shows a token."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

PARLEY = Path(sys.executable).with_name("parley")
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MTIzNH0.c2lnbmF0dXJlLXZhbHVl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "PARLEY_PUBLIC_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(PARLEY), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/accounts/login/", timeout=2)
            break
        except httpx.TransportError:
            if process.poll() is not None:
                pytest.fail(f"parley serve exited:\n{log.read_text()}")
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"parley serve did not answer:\n{log.read_text()}")
    yield base, log
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_first_start_prints_a_one_time_admin_link_that_opens_the_admin_panel(server):
    base, log = server
    [link] = [line.strip() for line in log.read_text().splitlines() if "/login/link/" in line]
    assert link.startswith(base + "/login/link/")
    with httpx.Client(base_url=base) as browser:
        first = browser.get(link)
        assert first.status_code == 302 and first.headers["location"] == "/admin/"
        assert browser.get("/").status_code == 200
    assert httpx.get(link).status_code == 401  # one-time


def test_served_pages_log_requests_without_codes_or_tokens(server):
    base, log = server
    httpx.get(f"{base}/?externalAuthCode={JWT}")
    httpx.get(f"{base}/login/link/NotARealToken123/")
    time.sleep(0.5)
    output = log.read_text()
    assert '"GET /?externalAuthCode=[redacted]"' in output
    assert JWT not in output and "NotARealToken123" not in output
