"""Logging out holds on every worker of `parley serve --workers 2` without Redis: no worker
goes on serving a deleted session from a cache of its own."""

import re

import httpx
import pytest
from django.conf import settings

from parley.tests.serving import parley_env, run_cli, serving

REQUESTS = 30


def _signed_in(base: str, session: str) -> bool:
    # A new connection per request (no pool), so the requests spread over both workers.
    cookies = {settings.SESSION_COOKIE_NAME: session}
    response = httpx.get(f"{base}/account/", cookies=cookies)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/accounts/login/")
        return False
    assert response.status_code == 200, response.status_code
    return True


@pytest.mark.timeout(180)
def test_a_logged_out_session_is_refused_by_every_worker_without_redis(tmp_path):
    env = parley_env(tmp_path, PARLEY_ACCESS_LOG="false")
    link = run_cli(env, "createadmin", "--email", "admin@example.com").strip().splitlines()[-1]
    with serving(env, tmp_path / "serve.log", workers=2) as base:
        with httpx.Client(base_url=base) as browser:
            assert browser.get(httpx.URL(link).path).status_code == 302
            session = browser.cookies[settings.SESSION_COOKIE_NAME]
            # Every worker that answers now keeps the session in its cache.
            assert all(_signed_in(base, session) for _ in range(REQUESTS))

            page = browser.get("/accounts/logout/").text
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            logout = browser.post("/accounts/logout/", data={"csrfmiddlewaretoken": csrf})
            assert logout.status_code == 302

        still_signed_in = [_signed_in(base, session) for _ in range(REQUESTS)]
    assert not any(still_signed_in), f"{sum(still_signed_in)} of {REQUESTS} still signed in"
