"""PostgreSQL connections killed under a running server: the request that was using one gets
a clear 503 page (not a hang, not a bare 500), and the next request just works."""

import threading
import time

import httpx
import psycopg
import pytest
from scale_helpers import enable_jwt, host_env, login, new_secret_key, token

from parley.tests.serving import postgres_database, serving


def terminate_backends(conn, database: str) -> int:
    rows = conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        (database,),
    ).fetchall()
    return len(rows)


def wait_for_lock_waiter(conn, database: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        waiting = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database,),
        ).fetchone()[0]
        if waiting:
            return
        assert time.monotonic() < deadline, "the request never reached the locked table"
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_dropped_database_connections_give_a_clear_error_then_recover(tmp_path):
    with postgres_database() as database_url:
        database = database_url.rsplit("/", 1)[1]
        env = host_env(tmp_path / "host", DATABASE_URL=database_url,
                       PARLEY_SECRET_KEY=new_secret_key())  # fmt: skip
        secret = enable_jwt(env)
        with (
            serving(env, tmp_path / "serve.log") as base,
            httpx.Client(timeout=30) as alice,
            psycopg.connect(database_url, autocommit=True) as admin,
        ):
            assert login(base, token(secret, "alice"), alice).status_code == 303
            for _ in range(5):
                assert alice.get(f"{base}/").status_code == 200

            # Between requests: the pooled connections die; the next request reconnects.
            assert terminate_backends(admin, database) >= 1
            assert alice.get(f"{base}/").status_code == 200

            # Mid-request: the page waits on a lock, and its connection is killed.
            with psycopg.connect(database_url) as locker:
                locker.execute("LOCK TABLE accounts_user IN ACCESS EXCLUSIVE MODE")
                result = {}
                request = threading.Thread(
                    target=lambda: result.update(page=alice.get(f"{base}/")), daemon=True
                )
                request.start()
                wait_for_lock_waiter(admin, database)
                lock_pid = locker.info.backend_pid
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid NOT IN (pg_backend_pid(), %s)",
                    (database, lock_pid),
                )
                request.join(timeout=20)
                assert not request.is_alive(), "the request hung"
                locker.rollback()
            page = result["page"]
            assert page.status_code == 503, page.text[:500]
            assert "cannot reach one of its services" in page.text

            # The next requests work: the same session, and a new login.
            assert alice.get(f"{base}/").status_code == 200
            assert login(base, token(secret, "bob")).status_code == 303
