"""A real `parley serve` on Redis keeps its connections: pages do not open a new one each.

The page bridge once ran every request in a fresh copy of the event loop's context, where
Django's per-thread cache object did not survive: each page built a new Redis client, pool
and TCP connection (~7 ms a page; bench/README.md, issue 16)."""

import httpx
import pytest
import redis

from parley.tests.serving import parley_env, serving

pytestmark = pytest.mark.timeout(120)
PAGES = 60


def test_pages_reuse_their_threads_redis_connections(tmp_path, redis_process):
    env = parley_env(tmp_path / "data", REDIS_URL=redis_process.url, PARLEY_ACCESS_LOG="false")
    server = redis.Redis(port=redis_process.port)
    with serving(env, tmp_path / "serve.log") as base:
        httpx.get(f"{base}/accounts/login/").raise_for_status()  # every page thread warmed
        before = server.info("stats")["total_connections_received"]
        with httpx.Client() as client:
            for _ in range(PAGES):
                page = client.get(f"{base}/accounts/login/")
                assert page.status_code == 200 and "Log in" in page.text
        opened = server.info("stats")["total_connections_received"] - before
    # At most one per page thread (8) that had not served a page yet; not one per page.
    assert opened <= 8, f"{opened} Redis connections for {PAGES} pages"
