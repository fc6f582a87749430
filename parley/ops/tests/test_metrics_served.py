"""/metrics of a real `parley serve`: one worker, and two workers whose counts add up."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from parley.ops.tests.scrape import scraped
from parley.tests.serving import parley_env, run_cli, serving

pytestmark = pytest.mark.timeout(120)

TOKEN = "metrics-token-for-the-test"
MISSES = 40


def _miss_then_scrape(base: str) -> list[dict]:
    """MISSES requests for a page that does not exist (the only 4xx of the run), then six
    scrapes: each lands on whichever worker accepts it."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: httpx.get(f"{base}/no-such-page").status_code,
                                 range(MISSES)))  # fmt: skip
    assert statuses == [404] * MISSES
    auth = {"Authorization": f"Bearer {TOKEN}"}
    return [scraped(httpx.get(f"{base}/metrics", headers=auth)) for _ in range(6)]


@pytest.mark.parametrize("workers", [1, 2])
def test_every_scrape_counts_the_requests_of_every_worker(tmp_path, workers):
    env = parley_env(tmp_path / "data", PARLEY_METRICS_TOKEN=TOKEN, PARLEY_ACCESS_LOG="false")
    with serving(env, tmp_path / "serve.log", workers=workers) as base:
        scrapes = _miss_then_scrape(base)
        shared = list((tmp_path / "data" / "metrics").glob("serve-*"))
    misses = [s[("parley_http_requests_total", (("status", "4xx"),))] for s in scrapes]
    assert misses == [MISSES] * 6
    assert all(s[("parley_streams_active", ())] == 0 for s in scrapes)
    used = int(run_cli(env, "seats").split("/")[0])
    assert [s[("parley_seats_used", ())] for s in scrapes] == [used] * 6
    # Several workers share their counts in a directory of this serve; it goes when it stops.
    assert len(shared) == (1 if workers > 1 else 0)
    assert list((tmp_path / "data").glob("metrics/serve-*")) == []


def test_a_new_serve_starts_counting_at_zero_and_clears_what_a_killed_one_left(tmp_path):
    env = parley_env(tmp_path / "data", PARLEY_METRICS_TOKEN=TOKEN, PARLEY_ACCESS_LOG="false")
    left_over = tmp_path / "data" / "metrics" / "serve-999999999-abc"  # no such process
    left_over.mkdir(parents=True)
    (left_over / "counter_1.db").write_bytes(b"stale")
    with serving(env, tmp_path / "serve.log", workers=2) as base:
        assert not left_over.exists()
        scrapes = _miss_then_scrape(base)
    assert [s[("parley_http_requests_total", (("status", "4xx"),))] for s in scrapes] == [
        MISSES
    ] * 6
