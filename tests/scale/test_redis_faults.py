"""Redis stopped, restarted or hung under a running server: people already signed in stay
signed in, good codes still log in (one-time jtis are recorded in the database), a code
that fails verification gets a clear 503 quickly (its failure cannot be counted) and is
audited, and everything works again by itself once Redis is back."""

import time

import httpx
import pytest
from scale_helpers import enable_jwt, host_env, login, new_secret_key, token

from parley.ops.cache import BREAK_SECONDS
from parley.ops.tests.redis_process import RedisProcess
from parley.tests.serving import postgres_database, run_cli, serving

UNAVAILABLE = "cannot reach one of its services"
AUDIT_REASONS = (
    "from parley.audit.models import AuthEvent; "
    "print(*AuthEvent.objects.values_list('reason', flat=True))"
)


def assert_clear_503(response):
    assert response.status_code == 503, response.text[:500]
    assert UNAVAILABLE in response.text
    assert response.headers["retry-after"] == "5"


def wait_ready(base):
    """Until /readyz sees Redis again, then past the cache's breaker (parley/ops/cache.py)."""
    deadline = time.monotonic() + 15
    while httpx.get(f"{base}/readyz", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "never ready again"
        time.sleep(0.2)
    time.sleep(BREAK_SECONDS + 0.1)


@pytest.fixture
def redis_server():
    server = RedisProcess()
    server.start()
    yield server
    server.stop()


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_logins_survive_redis_being_stopped_restarted_and_hung(tmp_path, redis_server):
    with postgres_database() as database_url:
        env = host_env(
            tmp_path / "host",
            DATABASE_URL=database_url,
            REDIS_URL=redis_server.url,
            PARLEY_SECRET_KEY=new_secret_key(),
        )
        secret = enable_jwt(env, one_time_jti=True)
        with serving(env, tmp_path / "serve.log") as base, httpx.Client(timeout=30) as alice:
            assert login(base, token(secret, "alice", jti="a-1"), alice).status_code == 303

            # Stopped (connection refused).
            redis_server.stop()
            started = time.monotonic()
            page = alice.get(f"{base}/")
            assert page.status_code == 200 and "alice" in page.text  # the session: from the DB
            bob = token(secret, "bob", jti="b-1")
            assert login(base, bob).status_code == 303  # the jti is recorded in the database
            assert login(base, bob).status_code == 401  # and refused a second time
            assert_clear_503(login(base, "not-a-token"))  # the failure count needs Redis
            assert httpx.get(f"{base}/readyz").status_code == 503
            assert httpx.get(f"{base}/healthz").status_code == 200
            assert time.monotonic() - started < 10

            # Restarted, empty: recovers by itself, and forgot no used jti.
            redis_server.start()
            wait_ready(base)
            assert login(base, bob).status_code == 401
            assert login(base, "not-a-token").status_code == 401
            assert alice.get(f"{base}/").status_code == 200

            # Hung (alive, not answering): each request waits at most the socket timeout.
            redis_server.pause()
            try:
                started = time.monotonic()
                assert_clear_503(login(base, "not-a-token"))
                assert alice.get(f"{base}/").status_code == 200
                assert time.monotonic() - started < 6
            finally:
                redis_server.resume()
            wait_ready(base)
            assert login(base, token(secret, "carol", jti="c-1")).status_code == 303
            reasons = run_cli(env, "manage", "shell", "-c", AUDIT_REASONS)
            assert reasons.split().count("cache_unavailable") == 2  # every attempt on record
