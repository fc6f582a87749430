"""JWT URL logins per second with 1 and 2 granian workers on PostgreSQL + Redis, side by
side, in one run (the scale-out setup of docs/operating.md).

    .venv/bin/python bench/scale.py [--duration 8] [--warmup 2] [--repeat 2] [--workers 1,2]

Each worker count gets a fresh PostgreSQL database (on 127.0.0.1:5432, dropped afterwards)
and its own Redis key prefix (on 127.0.0.1:6379, deleted afterwards); `parley serve
--workers N` serves it and wrk sends the same valid code over and over, so every request
is a real login: verify, user lookup, new session in PostgreSQL, audit event, 303. Any
failed login stops the bench. Figures from this machine: bench/README.md and the note.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.jwt_login import BENCH_USER, base_env, check_login, child, mint, wrk_run  # noqa: E402
from bench.pages import cpu_seconds, ensure_wrk, free_port, stop, wait_ready  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/0"
EVENTS_SQL = "SELECT COUNT(*) FROM audit_authevent WHERE outcome = 'success'"


def measure(workers: int, args, scratch: Path, wrk: str) -> tuple[float, float, int, int]:
    name = f"parley_bench_{uuid.uuid4().hex[:10]}"
    prefix = f"parley-bench-{uuid.uuid4().hex[:10]}"
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    data_dir = scratch / f"w{workers}"
    data_dir.mkdir(parents=True)
    env = base_env(data_dir)
    env.update(DATABASE_URL=url, REDIS_URL=REDIS, PARLEY_CACHE_PREFIX=prefix,
               PARLEY_ACCESS_LOG="false", PARLEY_LOG_LEVEL="WARNING")  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "serve.log"
    proc = None
    try:
        secret = child("setup", env)["secret"]
        code = mint(secret, BENCH_USER, lifetime=24 * 3600)
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "parley.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(workers)],  # fmt: skip
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_ready(f"{base}/healthz", proc, log)
        check_login(base, code)
        login_url = f"{base}/?externalAuthCode={code}"
        wrk_run(wrk, login_url, args.warmup, args.connections)
        cpu = cpu_seconds(proc.pid)
        rps, done = wrk_run(wrk, login_url, args.duration, args.connections)
        cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / max(done, 1)
        check_login(base, code)
        time.sleep(1)  # requests wrk left in flight finish
        with psycopg.connect(url) as conn:
            events = conn.execute(EVENTS_SQL).fetchone()[0]
        return rps, cpu_ms, done, events
    finally:
        if proc is not None:
            stop(proc)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(REDIS)
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="timed seconds per run")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the best of each kept")
    args = parser.parse_args()
    wrk = ensure_wrk()
    counts = [int(n) for n in args.workers.split(",")]
    print(
        f"bench: JWT URL login on PostgreSQL + Redis, wrk -t1 -c{args.connections}, "
        f"{args.warmup}s warm-up + {args.duration}s, best of {args.repeat}, {os.cpu_count()} CPUs",
        flush=True,
    )
    results: dict[int, tuple] = {}
    with tempfile.TemporaryDirectory(prefix="parley-bench-scale-") as scratch:
        for round_ in range(1, args.repeat + 1):  # interleaved: load from elsewhere hits both
            for workers in counts:
                result = measure(workers, args, Path(scratch) / f"r{round_}", wrk)
                rps, cpu_ms, done, events = result
                print(
                    f"  round {round_}, {workers} worker(s): {rps:,.0f} logins/s, {cpu_ms:.2f} "
                    f"server CPU ms per login ({done:,} requests, {events:,} login events)",
                    flush=True,
                )
                if rps > results.get(workers, (0,))[0]:
                    results[workers] = result
    first = results[counts[0]][0]
    print()
    print(f"{'workers':>8} {'logins/s':>10} {'vs ' + str(counts[0]):>8} {'CPU ms/login':>13}")
    for workers in counts:
        rps, cpu_ms, _, _ = results[workers]
        print(f"{workers:>8} {rps:>10,.0f} {rps / first:>7.2f}x {cpu_ms:>13.2f}")
    print(
        "\nnote: wrk, PostgreSQL and Redis share this machine's CPUs with the workers, so "
        "a second worker adds less than a second CPU would."
    )


if __name__ == "__main__":
    main()
