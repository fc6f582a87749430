"""Two `parley serve` processes (two "hosts") on one PostgreSQL and one Redis behave as one
instance: sessions, one-time jti, the failed-login rate limit and seats are shared; each
host's metrics count its own workers (DESIGN §1)."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from scale_helpers import (
    enable_jwt,
    host_env,
    login,
    new_secret_key,
    redis_prefix,
    token,
)

from parley.ops.tests.scrape import scraped
from parley.tests.serving import REDIS_URL, jwt_users, postgres_database, run_cli, serving

METRICS_TOKEN = "metrics-token-for-the-test"


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_two_servers_on_one_postgres_and_redis_act_as_one_instance(tmp_path):
    with postgres_database() as database_url, redis_prefix() as prefix:
        common = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "PARLEY_CACHE_PREFIX": prefix,
            "PARLEY_SECRET_KEY": new_secret_key(),
            "PARLEY_METRICS_TOKEN": METRICS_TOKEN,
            "PARLEY_ACCESS_LOG": "false",
        }
        env_a = host_env(tmp_path / "a", **common)
        env_b = host_env(tmp_path / "b", **common)
        secret = enable_jwt(env_a, one_time_jti=True)
        run_cli(env_a, "manage", "shell", "-c",
                "from parley.external_auth import services; "
                "services.update_policy(failure_limit=6)")  # fmt: skip
        run_cli(env_a, "createadmin", "--email", "admin@example.com")  # the 11th seat
        run_cli(env_a, "seats", "set", "11")

        with (
            serving(env_a, tmp_path / "a.log", workers=2) as a,
            serving(env_b, tmp_path / "b.log", workers=1) as b,
        ):
            # 50 concurrent first logins, alternating between the hosts, against 10 seats.
            codes = [token(secret, f"racer-{n}") for n in range(50)]
            with ThreadPoolExecutor(max_workers=50) as pool:
                statuses = list(
                    pool.map(lambda n: login((a, b)[n % 2], codes[n]).status_code, range(50))
                )
            assert sorted(statuses).count(303) == 10, statuses
            assert sorted(statuses).count(409) == 40, statuses
            assert len(jwt_users(env_a)) == 10
            assert run_cli(env_b, "seats").strip() == "11/11"
            run_cli(env_a, "seats", "set", "unlimited")

            # A session made on A is valid on B.
            with httpx.Client(timeout=30) as browser:
                assert login(a, token(secret, "alice"), browser).status_code == 303
                page = browser.get(f"{b}/")
                assert page.status_code == 200 and "alice" in page.text

            # A one-time jti used on A is refused on B.
            once = token(secret, "bob", jti="once-only-1")
            assert login(a, once).status_code == 303
            replayed = login(b, once)
            assert replayed.status_code == 401
            assert "already been used" in replayed.text

            # The failed-login limit (6) counts failures on both hosts together; it refuses
            # only codes that do not verify, so a good code from the same address works.
            for host in (a, b, a, b, a, b):
                assert login(host, "not-a-token").status_code == 401
            assert login(a, "not-a-token").status_code == 429
            assert login(b, "not-a-token").status_code == 429
            assert login(b, token(secret, "carol")).status_code == 303

            # Each host's /metrics counts its own workers' logins (Prometheus adds the
            # hosts up); seats are the instance's, read from the shared database.
            auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
            scrapes = [scraped(httpx.get(f"{host}/metrics", headers=auth)) for host in (a, b)]
            success = ("parley_logins_total", (("method", "jwt"), ("outcome", "success")))
            assert sum(found.get(success, 0) for found in scrapes) == 13
            assert all(found[("parley_seats_used", ())] == 14 for found in scrapes)
            assert httpx.get(f"{a}/metrics").status_code == 401
