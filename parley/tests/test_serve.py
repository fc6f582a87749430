"""`parley serve` on a fresh data dir: migrates, prints a working admin link, serves pages
through granian, and its output never shows a token."""

import httpx
import pytest

from parley.tests.polling import wait_until
from parley.tests.serving import parley_env, serving

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MTIzNH0.c2lnbmF0dXJlLXZhbHVl"


@pytest.fixture
def server(tmp_path):
    log = tmp_path / "serve.log"
    with serving(parley_env(tmp_path), log) as base:
        yield base, log


def test_first_start_prints_a_one_time_admin_link_that_asks_the_owner_for_an_email(server):
    base, log = server
    [link] = [line.strip() for line in log.read_text().splitlines() if "/login/link/" in line]
    assert link.startswith(base + "/login/link/")
    with httpx.Client(base_url=base) as browser:
        first = browser.get(link)
        # The first owner has no email yet: their account page asks for one (issue 15).
        assert first.status_code == 302 and first.headers["location"] == "/account/edit/"
        assert "Add your email address" in browser.get("/account/edit/").text
        assert browser.get("/").status_code == 200
    assert httpx.get(link).status_code == 401  # one-time


def test_served_pages_log_requests_without_codes_or_tokens(server):
    base, log = server
    httpx.get(f"{base}/?externalAuthCode={JWT}")
    httpx.get(f"{base}/login/link/NotARealToken123/")
    # The second request is answered, so logged, after the first.
    wait_until(lambda: '"GET /login/link/' in log.read_text(), what="the second request logged")
    output = log.read_text()
    assert '"GET /?externalAuthCode=[redacted]"' in output
    assert JWT not in output and "NotARealToken123" not in output
