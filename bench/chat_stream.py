"""Chat streaming through Parley vs. straight to the provider, in one run (bench/README.md).

    .venv/bin/python bench/chat_stream.py [--streams 500] [--tokens 50] [--gap-ms 20]
    .venv/bin/python bench/chat_stream.py --burst-only --repeat 3 [--before DIR] [--env N=V]

Parley is measured in two modes (`--modes`, both by default): "quiet", access log off and
log level WARNING (the figures before issue 16), and "as shipped", exactly as `scripts/start`
runs it: access log on, default log levels, the log written out (to a file here). With
`--before DIR` every mode also runs the Parley code unpacked in DIR (`git archive`), with
its own logged-in user, in the same run. `--burst-only` runs only part 2 through Parley (and
direct, for the ratio), `--repeat` times, interleaving the servers: for sizing the gate.

A fake OpenAI-compatible provider (parley/chat/tests/fake_provider.py, uvicorn, its own
process) streams TOKENS tokens GAP-MS apart. Parley runs as `parley serve --workers 1`
(granian) on a throwaway data dir whose one model points at the fake provider. Measured
with a small raw-socket client (so the client costs little next to the servers):

1. latency: 40 streams one after another, direct and through Parley: time to first token
   and total time, p50; the difference is what Parley adds (session, CSRF, two DB writes,
   relaying each token as an SSE event);
2. concurrency: STREAMS streams at once, direct and through Parley: streams that stalled
   (a gap > 1 s between tokens, or no finish), and p50/p99 delay between tokens;
3. the same STREAMS streams through a thread-per-stream server (granian WSGI, 32 threads,
   the sync openai client; bench/chat_threads.py), which is what a sync view would give.
"""

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
STALL = 1.0  # seconds without a token that count as a stall

SETUP = r"""
import json, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.conf import settings
from django.test import Client
from parley.accounts import services as accounts
from parley.accounts.login_links import create_login_link
from parley.accounts.models import CreatedVia
from parley.chat import catalogue, conversations
provider_url, model_name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
from parley.chat.models import ChatModel as Model
model = Model.objects.filter(name=model_name).first()
if model is None:  # the first setup (--before runs a second one on the same data dir)
    provider = catalogue.save_provider(provider=None, name="Fake", base_url=provider_url,
        api_key="sk-bench", timeout_seconds=30, model_names=[model_name])
    model = provider.models.get()
    catalogue.set_default_model(model=model)
email = sys.argv[4]
user = accounts.create_user(email=email, created_via=CreatedVia.ADMIN)
client = Client(HTTP_HOST=settings.PUBLIC_URL.split("://", 1)[1])
client.get(create_login_link(user=user, created_by="bench").removeprefix(settings.PUBLIC_URL))
page = client.get("/").content.decode()
token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
ids = [conversations.create_conversation(user=user, model_id=model.pk).public_id
       for _ in range(count)]
print(json.dumps({
    "cookie": "; ".join(f"{n}={m.value}" for n, m in client.cookies.items()),
    "csrf": token, "conversations": ids,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(cmd: list[str], env: dict, log: Path, ready_url: str, cwd=ROOT) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=cwd)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: {cmd[:4]} exited; log:\n{log.read_text()}")
        try:
            httpx.get(ready_url, timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.2)
    sys.exit(f"bench: {ready_url} did not answer; log:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@dataclass
class Stream:
    started: float = 0.0
    arrivals: list[float] = field(default_factory=list)  # one per token
    finished: bool = False
    status: int = 0

    @property
    def ttft(self) -> float:
        return self.arrivals[0] - self.started

    @property
    def total(self) -> float:
        return self.arrivals[-1] - self.started

    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.arrivals, self.arrivals[1:], strict=False)]


async def one_stream(port: int, path: str, body: bytes, headers: dict, marker: bytes,
                     end: bytes) -> Stream:  # fmt: skip
    """POST and timestamp every token (each `marker` in the body) as it arrives."""
    result = Stream()
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
            "Content-Type: application/json", f"Content-Length: {len(body)}"]  # fmt: skip
    head += [f"{name}: {value}" for name, value in headers.items()]
    result.started = time.perf_counter()
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    carry = b""
    first = True
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        now = time.perf_counter()
        if first:
            result.status = int(chunk.split(b" ", 2)[1])
            first = False
        data = carry + chunk
        result.arrivals.extend([now] * data.count(marker))
        if end in data:
            result.finished = True
        carry = data[-(len(marker) + len(end)) :]
        carry_tokens = carry.count(marker)
        if carry_tokens:  # counted already; keep the tail only to catch split markers
            carry = carry[carry.rfind(marker) + len(marker) :]
    writer.close()
    return result


async def run_streams(count: int, make_request, concurrent: bool) -> list[Stream]:
    if concurrent:
        return await asyncio.gather(*(one_stream(*make_request(i)) for i in range(count)))
    return [await one_stream(*make_request(i)) for i in range(count)]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def summary(label: str, streams: list[Stream], tokens: int) -> dict:
    complete = [s for s in streams if s.finished and len(s.arrivals) == tokens]
    nan = float("nan")
    gaps = [g for s in complete for g in s.gaps()]
    stalled = len(streams) - len(complete) + sum(1 for s in complete if max(s.gaps()) > STALL)
    return {
        "label": label,
        "n": len(streams),
        "stalled": stalled,
        "ttft50": statistics.median(s.ttft for s in complete) * 1000 if complete else nan,
        "ttft99": pct([s.ttft for s in complete], 99) * 1000 if complete else nan,
        "total50": statistics.median(s.total for s in complete) * 1000 if complete else nan,
        "gap50": pct(gaps, 50) * 1000 if gaps else nan,
        "gap99": pct(gaps, 99) * 1000 if gaps else nan,
    }


def show(rows: list[dict]) -> None:
    print(f"{'':56} {'n':>4} {'stalled':>7} {'TTFT p50':>9} {'TTFT p99':>9} "
          f"{'total p50':>9} {'gap p50':>8} {'gap p99':>8}")  # fmt: skip
    for r in rows:
        print(f"{r['label']:56} {r['n']:>4} {r['stalled']:>7} {r['ttft50']:>8.1f}ms "
              f"{r['ttft99']:>8.1f}ms {r['total50']:>8.0f}ms {r['gap50']:>6.1f}ms "
              f"{r['gap99']:>6.1f}ms")  # fmt: skip


MODES = {
    # The figures before issue 16: no access log, warnings only.
    "quiet": {"PARLEY_ACCESS_LOG": "false", "PARLEY_LOG_LEVEL": "WARNING"},
    # Exactly as scripts/start runs it: nothing set, so the access log is on, level INFO.
    "as shipped": {},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--tokens", type=int, default=50)
    parser.add_argument("--gap-ms", type=int, default=20)
    parser.add_argument("--sequential", type=int, default=40)
    parser.add_argument("--threads", type=int, default=32, help="thread-per-stream pool size")
    parser.add_argument("--modes", default="quiet,as shipped", help=f"of {', '.join(MODES)}")
    parser.add_argument("--before", type=Path, help="also run the Parley code in this dir")
    parser.add_argument("--burst-only", action="store_true", help="only part 2")
    parser.add_argument("--gates", default="", help="start gate sizes to compare, e.g. 2,4,8")
    parser.add_argument("--workers", default="1", help="parley serve worker counts, e.g. 1,2")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of part 2 (--burst-only)")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="extra Parley env"
    )
    args = parser.parse_args()
    model = f"tokens:{args.tokens}:{args.gap_ms}"
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    roots = [("", ROOT)] + ([(", before", args.before)] if args.before else [])

    data_dir = Path(tempfile.mkdtemp(prefix="parley-bench-chat-"))
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "parley.settings"}  # fmt: skip
    for name in ("DATABASE_URL", "REDIS_URL", "PARLEY_ACCESS_LOG", "PARLEY_LOG_LEVEL"):
        env.pop(name, None)
    # --env reaches the set-up too: DATABASE_URL/REDIS_URL measure PostgreSQL + Redis.
    env.update(item.split("=", 1) for item in args.env)
    procs = []
    try:
        fake_port, threads_port = free_port(), free_port()
        procs.append(start(
            [PY, "-m", "uvicorn", "--factory", "parley.chat.tests.fake_provider:FakeProvider",
             "--host", "127.0.0.1", "--port", str(fake_port), "--log-level", "warning",
             "--no-access-log", "--lifespan", "off", "--backlog", "4096"],
            env, data_dir / "fake.log", f"http://127.0.0.1:{fake_port}/",
        ))  # fmt: skip
        provider_url = f"http://127.0.0.1:{fake_port}/v1"
        count = max(args.streams, args.sequential)
        states = {}
        for _, root in roots:
            email = f"bench{len(states)}@example.com"
            setup = subprocess.run(
                [PY, "-c", SETUP, provider_url, model, str(count), email],
                env={**env, "PYTHONPATH": str(root)}, capture_output=True, text=True, cwd=root,
            )  # fmt: skip
            if setup.returncode != 0:
                sys.exit(f"bench: setup failed:\n{setup.stderr}")
            states[root] = json.loads(setup.stdout.strip().splitlines()[-1])
        servers = []  # (label, port, state)
        gates = [g.strip() for g in args.gates.split(",") if g.strip()] or [""]
        workers = [w.strip() for w in args.workers.split(",") if w.strip()]
        # One server per mode, code, gate size and worker count.
        for mode, (suffix, root), gate, count in itertools.product(modes, roots, gates, workers):
            port = free_port()
            server_env = {**env, **MODES[mode], "PYTHONPATH": str(root)}
            if gate:
                server_env["PARLEY_CHAT_STARTING_AT_ONCE"] = gate
                suffix = f"{suffix}, gate {gate}"
            if len(workers) > 1 or count != "1":
                suffix = f"{suffix}, {count} worker{'s' if count != '1' else ''}"
            log = data_dir / f"parley-{len(servers)}.log"
            procs.append(start(
                [PY, "-m", "parley.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", count],
                server_env, log, f"http://127.0.0.1:{port}/accounts/login/", cwd=root,
            ))  # fmt: skip
            servers.append((f"Parley {mode}{suffix}", port, states[root]))
        if not args.burst_only:
            procs.append(start(
                [PY, "-m", "granian", "--interface", "wsgi", "--workers", "1",
                 "--blocking-threads", str(args.threads), "--host", "127.0.0.1",
                 "--port", str(threads_port), "--backlog", "4096",
                 "bench.chat_threads:application"],
                {**env, "BENCH_PROVIDER_URL": provider_url},
                data_dir / "threads.log", f"http://127.0.0.1:{threads_port}/",
            ))  # fmt: skip

        direct_body = json.dumps({"model": model, "stream": True, "messages": [
            {"role": "user", "content": "hi"}], "stream_options": {"include_usage": True}
        }).encode()  # fmt: skip

        def direct(_):
            return (fake_port, "/v1/chat/completions", direct_body,
                    {"Authorization": "Bearer sk-bench"}, b'"content"', b"[DONE]")  # fmt: skip

        def through(port, state):
            def request(i):
                return (port, f"/chat/stream/{state['conversations'][i]}/",
                        json.dumps({"content": "hi"}).encode(),
                        {"Cookie": state["cookie"], "X-CSRFToken": state["csrf"]},
                        b"event: token", b"event: done")  # fmt: skip

            return request

        def thread_per_stream(_):
            return (threads_port, "/", json.dumps({"model": model}).encode(), {},
                    b"event: token", b"event: done")  # fmt: skip

        print(f"fake provider: {args.tokens} tokens, {args.gap_ms} ms apart; "
              f"parley serve --workers 1 (granian); {os.cpu_count()} CPUs; "
              f"load average {os.getloadavg()[0]:.1f}\n")  # fmt: skip
        for _, port, state in servers:
            asyncio.run(run_streams(5, through(port, state), concurrent=False))  # warm-up
        asyncio.run(run_streams(5, direct, concurrent=False))
        rows, statuses = [], set()
        if not args.burst_only:
            seq_direct = asyncio.run(run_streams(args.sequential, direct, concurrent=False))
            rows.append(
                summary("1. one at a time, direct to the provider", seq_direct, args.tokens)
            )
            for label, port, state in servers:
                seq = asyncio.run(
                    run_streams(args.sequential, through(port, state), concurrent=False)
                )
                rows.append(summary(f"1. one at a time, {label}", seq, args.tokens))
                statuses |= {s.status for s in seq}
        for round_ in range(args.repeat if args.burst_only else 1):
            tag = f" (round {round_ + 1})" if args.burst_only and args.repeat > 1 else ""
            conc_direct = asyncio.run(run_streams(args.streams, direct, concurrent=True))
            rows.append(
                summary(f"2. {args.streams} at once, direct{tag}", conc_direct, args.tokens)
            )
            for label, port, state in servers:
                conc = asyncio.run(run_streams(args.streams, through(port, state), concurrent=True))
                rows.append(summary(f"2. {args.streams} at once, {label}{tag}", conc, args.tokens))
                statuses |= {s.status for s in conc}
        if not args.burst_only:
            conc_threads = asyncio.run(
                run_streams(args.streams, thread_per_stream, concurrent=True)
            )
            rows.append(summary(f"3. {args.streams} at once, thread per stream ({args.threads})",
                                conc_threads, args.tokens))  # fmt: skip
        show(rows)
        if not args.burst_only:
            by_label = {r["label"]: r for r in rows}
            one_direct = by_label["1. one at a time, direct to the provider"]
            burst_direct = by_label[f"2. {args.streams} at once, direct"]
            for label, _, _ in servers:
                one = by_label[f"1. one at a time, {label}"]
                burst = by_label[f"2. {args.streams} at once, {label}"]
                print(f"\n{label}: added to first token, p50: "
                      f"{one['ttft50'] - one_direct['ttft50']:.1f} ms (goal < 5 ms); "
                      f"{args.streams} at once: TTFT p50 {burst['ttft50']:.0f} ms (goal <= 1000), "
                      f"p99 {burst['ttft99']:.0f} ms (goal <= 2000), {burst['stalled']} stalled "
                      f"(goal 0), p99 gap {burst['gap99'] / burst_direct['gap99']:.2f}x the "
                      f"provider's (goal <= 2x)")  # fmt: skip
        if statuses != {200}:
            print(f"warning: Parley answered with statuses {sorted(statuses)}")
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
