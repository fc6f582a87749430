"""Requests/s of Parley's pages against a bare-Django reference, in one run (bench/README.md).

    .venv/bin/python bench/pages.py [--duration 6] [--warmup 2] [--connections 32] [--only R,b]
    .venv/bin/python bench/pages.py --only b,b2 --before DIR   # DIR: `git archive <commit>`

`--before DIR` also serves lines b and b2 from the Parley code unpacked in DIR (its own
logged-in session), interleaved with the others in every round, so before and after are
measured under the same load.

Every server runs with ONE worker on 127.0.0.1, wrk runs with ONE thread; each target gets
a warm-up then a timed run, and every server is stopped before the next starts. Data lives
in a throwaway PARLEY_DATA_DIR that is removed at the end.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

SETUP = r"""
import json, os, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.conf import settings
from django.test import Client
from django.urls import reverse
from parley.accounts import services
from parley.accounts.login_links import create_login_link
from parley.accounts.models import CreatedVia
email = os.environ.get("BENCH_EMAIL", "bench@example.com")
user = services.create_user(email=email, created_via=CreatedVia.ADMIN)
# Log in the way a person does: a one-time login link, which sets the session cookie.
link = create_login_link(user=user, created_by="bench")
# The public host: ALLOWED_HOSTS refuses the test client's default "testserver".
client = Client(HTTP_HOST=settings.PUBLIC_URL.split("://", 1)[1])
response = client.get(link.removeprefix(settings.PUBLIC_URL))
assert response.status_code == 302, response.status_code
# One page view, as a browser makes after logging in: it also receives the CSRF cookie,
# which a browser then sends with every request (so the page does not mint a new one).
assert client.get("/").status_code == 200
print(json.dumps({
    "cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items()),
    "login_code_path": reverse("account_request_login_code"),
}))
"""


@dataclass
class Target:
    key: str
    label: str
    server: str  # "wsgi" (granian WSGI), "parley" (parley serve), "uvicorn" (Django ASGI)
    settings: str
    path: str
    authenticated: bool = False
    expect: str = ""
    root: Path = ROOT  # the Parley code it serves (--before: an older one)
    workers: int = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("bench: wrk is not installed; run `apt-get install -y wrk` as root, then retry")
    print("bench: installing wrk (apt-get install -y wrk) ...", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    if subprocess.call(["apt-get", "install", "-y", "wrk"], **quiet) != 0:
        subprocess.call(["apt-get", "update"], **quiet)
        subprocess.check_call(["apt-get", "install", "-y", "wrk"], **quiet)
    return shutil.which("wrk") or sys.exit("bench: wrk still missing after apt-get install")


def server_command(target: Target, port: int) -> list[str]:
    if target.server == "wsgi":
        return [PY, "-m", "granian", "--interface", "wsgi", "--workers", "1",
                "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                "parley.wsgi:application"]  # fmt: skip
    if target.server == "parley":
        return [PY, "-m", "parley.cli", "serve", "--host", "127.0.0.1",
                "--port", str(port), "--workers", str(target.workers)]  # fmt: skip
    return [PY, "-m", "uvicorn", "bench.django_asgi:application", "--workers", "1",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
            "--log-level", "warning"]  # fmt: skip


def wait_ready(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: server exited with {proc.returncode}; log:\n{log.read_text()}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    sys.exit(f"bench: server did not answer {url} within 60 s; log:\n{log.read_text()}")


def check_page(url: str, headers: dict, target: Target) -> None:
    """A redirect to the login page also counts as success for wrk: check the real answer."""
    response = httpx.get(url, headers=headers, timeout=10)
    if response.status_code != 200 or target.expect not in response.text:
        sys.exit(f"bench: {target.label}: GET {url} -> {response.status_code}, not the page")


def run_wrk(wrk: str, url: str, headers: dict, seconds: float, connections: int) -> float:
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 30)
    text = out.stdout + out.stderr
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: .*", text)
    if bad or out.returncode != 0:
        sys.exit(f"bench: wrk saw failures against {url}:\n{text}")
    if errors:
        print(f"  note: {errors.group(0)}", flush=True)
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not match:
        sys.exit(f"bench: could not read wrk output:\n{text}")
    return float(match.group(1))


def cpu_seconds(group: int) -> float:
    """User + system CPU time of every process in the server's process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group (workers too)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def measure(target, *, env, wrk, cookie, args, data_dir) -> float:
    if target.root != ROOT:
        env = dict(env, PYTHONPATH=str(target.root))
    port = free_port()
    url = f"http://127.0.0.1:{port}{target.path}"
    headers = {"Cookie": cookie} if target.authenticated else {}
    log = data_dir / f"server-{target.key}.log"
    server_env = dict(env, DJANGO_SETTINGS_MODULE=target.settings)
    with log.open("w") as out:
        proc = subprocess.Popen(
            server_command(target, port),
            cwd=target.root,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(url, proc, log)
        check_page(url, headers, target)
        run_wrk(wrk, url, headers, args.warmup, args.connections)
        cpu = cpu_seconds(proc.pid)
        rps = run_wrk(wrk, url, headers, args.duration, args.connections)
        cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / (rps * args.duration)
        check_page(url, headers, target)  # still the real page after the load
        return rps, cpu_ms
    finally:
        stop(proc)


def log_in(env: dict, root: Path, email: str) -> dict:
    """Migrate, make a user and log in with the code in `root`: its session cookie."""
    setup = subprocess.run(
        [PY, "-c", SETUP],
        cwd=root,
        env=dict(env, DJANGO_SETTINGS_MODULE="parley.settings", PYTHONPATH=str(root),
                 BENCH_EMAIL=email),
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if setup.returncode != 0:
        sys.exit(f"bench: setup failed:\n{setup.stdout}\n{setup.stderr}")
    return json.loads(setup.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=6, help="timed seconds per target")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the best is kept")
    parser.add_argument("--only", default="", help="comma-separated keys, e.g. R,b")
    parser.add_argument("--before", type=Path, help="also serve b and b2 from the code in DIR")
    parser.add_argument("--two-workers", action="store_true", help="also b, b2 on 2 workers")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="extra server env"
    )
    args = parser.parse_args()
    wrk = ensure_wrk()

    data_dir = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    env = dict(os.environ)
    env.update(
        PARLEY_DATA_DIR=str(data_dir),
        PYTHONPATH=str(ROOT),
        PARLEY_DEBUG="false",
        PARLEY_PUBLIC_URL="http://127.0.0.1:8000",
    )
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    env.update(item.split("=", 1) for item in args.env)
    try:
        info = log_in(env, ROOT, "bench@example.com")
        cookies = {ROOT: info["cookie"]}
        if args.before:
            cookies[args.before] = log_in(env, args.before, "before@example.com")["cookie"]
        targets = [
            Target("R", "reference R: bare ok view, granian WSGI", "wsgi",
                   "bench.ok_settings", "/ok", expect="ok"),
            Target("a", "(a) bare ok view, parley serve", "parley",
                   "bench.ok_settings", "/ok", expect="ok"),
            Target("b", "(b) authenticated page, parley serve", "parley",
                   "parley.settings", "/account/", authenticated=True, expect="Your account"),
            Target("b2", "(b2) chat home (conversations, models), parley serve", "parley",
                   "parley.settings", "/", authenticated=True, expect="Welcome"),
            Target("c", "(c) login-by-code form, parley serve", "parley",
                   "parley.settings", info["login_code_path"], expect="<form"),
            Target("d", "(d) authenticated page, Django ASGI + uvicorn", "uvicorn",
                   "parley.settings", "/account/", authenticated=True, expect="Your account"),
            Target("e", "(e) authenticated page, granian WSGI", "wsgi",
                   "parley.settings", "/account/", authenticated=True, expect="Your account"),
        ]  # fmt: skip
        only = {k.strip() for k in args.only.split(",") if k.strip()}
        if only:
            targets = [t for t in targets if t.key in only or t.key == "R"]
        if args.two_workers:
            targets += [
                Target(f"{t.key}-w2", f"{t.label}, 2 workers", t.server, t.settings, t.path,
                       t.authenticated, t.expect, workers=2)
                for t in targets if t.key in ("b", "b2")
            ]  # fmt: skip
        if args.before:
            targets += [
                Target(f"{t.key}-before", f"{t.label}, before", t.server, t.settings, t.path,
                       t.authenticated, t.expect, root=args.before)
                for t in targets if t.key in ("b", "b2")
            ]  # fmt: skip
        print(
            f"bench: 1 server worker, wrk -t1 -c{args.connections}, "
            f"{args.warmup}s warm-up + {args.duration}s per target, best of {args.repeat}",
            flush=True,
        )
        results: dict[str, tuple[float, float]] = {}
        for round_ in range(1, args.repeat + 1):
            for target in targets:
                rps, cpu_ms = measure(
                    target,
                    env=env,
                    wrk=wrk,
                    cookie=cookies.get(target.root),
                    args=args,
                    data_dir=data_dir,
                )
                # Best of the rounds: other load on the machine only ever slows a run down.
                if rps > results.get(target.key, (0.0, 0.0))[0]:
                    results[target.key] = (rps, cpu_ms)
                print(
                    f"  round {round_}: {target.label}: {rps:,.0f} req/s, "
                    f"{cpu_ms:.2f} server CPU ms/req",
                    flush=True,
                )
        ref = results["R"][0]
        width = max(len(t.label) for t in targets)
        print()
        print(f"{'target':<{width}}  {'req/s':>7}  {'x R':>5}  {'CPU ms/req':>10}  path")
        for t in targets:
            rps, cpu_ms = results[t.key]
            print(f"{t.label:<{width}}  {rps:>7,.0f}  {rps / ref:>5.2f}  {cpu_ms:>10.2f}  {t.path}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
