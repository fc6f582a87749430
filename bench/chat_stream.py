"""Chat streaming through Parley vs. straight to the provider, in one run (bench/README.md).

    .venv/bin/python bench/chat_stream.py [--streams 500] [--tokens 50] [--gap-ms 20]

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
provider = catalogue.save_provider(provider=None, name="Fake", base_url=provider_url,
    api_key="sk-bench", timeout_seconds=30, model_names=[model_name])
model = provider.models.get()
catalogue.set_default_model(model=model)
user = accounts.create_user(email="bench@example.com", created_via=CreatedVia.ADMIN)
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


def start(cmd: list[str], env: dict, log: Path, ready_url: str) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=ROOT)  # fmt: skip
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
    print(f"{'':44} {'n':>4} {'stalled':>7} {'TTFT p50':>9} {'TTFT p99':>9} "
          f"{'total p50':>9} {'gap p50':>8} {'gap p99':>8}")  # fmt: skip
    for r in rows:
        print(f"{r['label']:44} {r['n']:>4} {r['stalled']:>7} {r['ttft50']:>8.1f}ms "
              f"{r['ttft99']:>8.1f}ms {r['total50']:>8.0f}ms {r['gap50']:>6.1f}ms "
              f"{r['gap99']:>6.1f}ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--tokens", type=int, default=50)
    parser.add_argument("--gap-ms", type=int, default=20)
    parser.add_argument("--sequential", type=int, default=40)
    parser.add_argument("--threads", type=int, default=32, help="thread-per-stream pool size")
    args = parser.parse_args()
    model = f"tokens:{args.tokens}:{args.gap_ms}"

    data_dir = Path(tempfile.mkdtemp(prefix="parley-bench-chat-"))
    env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PARLEY_ACCESS_LOG": "false",
           "PARLEY_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "parley.settings"}  # fmt: skip
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    procs = []
    try:
        fake_port, parley_port, threads_port = free_port(), free_port(), free_port()
        procs.append(start(
            [PY, "-m", "uvicorn", "--factory", "parley.chat.tests.fake_provider:FakeProvider",
             "--host", "127.0.0.1", "--port", str(fake_port), "--log-level", "warning",
             "--no-access-log", "--lifespan", "off", "--backlog", "4096"],
            env, data_dir / "fake.log", f"http://127.0.0.1:{fake_port}/",
        ))  # fmt: skip
        provider_url = f"http://127.0.0.1:{fake_port}/v1"
        count = max(args.streams, args.sequential)
        setup = subprocess.run([PY, "-c", SETUP, provider_url, model, str(count)], env=env,
                               capture_output=True, text=True, cwd=ROOT)  # fmt: skip
        if setup.returncode != 0:
            sys.exit(f"bench: setup failed:\n{setup.stderr}")
        state = json.loads(setup.stdout.strip().splitlines()[-1])
        procs.append(start(
            [PY, "-m", "parley.cli", "serve", "--host", "127.0.0.1", "--port",
             str(parley_port), "--workers", "1"],
            env, data_dir / "parley.log", f"http://127.0.0.1:{parley_port}/accounts/login/",
        ))  # fmt: skip
        procs.append(start(
            [PY, "-m", "granian", "--interface", "wsgi", "--workers", "1",
             "--blocking-threads", str(args.threads), "--host", "127.0.0.1",
             "--port", str(threads_port), "--backlog", "4096", "bench.chat_threads:application"],
            {**env, "BENCH_PROVIDER_URL": provider_url},
            data_dir / "threads.log", f"http://127.0.0.1:{threads_port}/",
        ))  # fmt: skip

        direct_body = json.dumps({"model": model, "stream": True, "messages": [
            {"role": "user", "content": "hi"}], "stream_options": {"include_usage": True}
        }).encode()  # fmt: skip

        def direct(_):
            return (fake_port, "/v1/chat/completions", direct_body,
                    {"Authorization": "Bearer sk-bench"}, b'"content"', b"[DONE]")  # fmt: skip

        def through_parley(i):
            return (parley_port, f"/chat/stream/{state['conversations'][i]}/",
                    json.dumps({"content": "hi"}).encode(),
                    {"Cookie": state["cookie"], "X-CSRFToken": state["csrf"]},
                    b"event: token", b"event: done")  # fmt: skip

        def thread_per_stream(_):
            return (threads_port, "/", json.dumps({"model": model}).encode(), {},
                    b"event: token", b"event: done")  # fmt: skip

        print(f"fake provider: {args.tokens} tokens, {args.gap_ms} ms apart; "
              f"parley serve --workers 1 (granian); {os.cpu_count()} CPUs\n")  # fmt: skip
        asyncio.run(run_streams(5, through_parley, concurrent=False))  # warm-up
        asyncio.run(run_streams(5, direct, concurrent=False))
        rows = []
        seq_direct = asyncio.run(run_streams(args.sequential, direct, concurrent=False))
        seq_parley = asyncio.run(run_streams(args.sequential, through_parley, concurrent=False))
        rows.append(summary("1. one at a time, direct to the provider", seq_direct, args.tokens))
        rows.append(summary("1. one at a time, through Parley", seq_parley, args.tokens))
        conc_direct = asyncio.run(run_streams(args.streams, direct, concurrent=True))
        rows.append(summary(f"2. {args.streams} at once, direct", conc_direct, args.tokens))
        conc_parley = asyncio.run(run_streams(args.streams, through_parley, concurrent=True))
        rows.append(summary(f"2. {args.streams} at once, through Parley", conc_parley,
                            args.tokens))  # fmt: skip
        conc_threads = asyncio.run(run_streams(args.streams, thread_per_stream, concurrent=True))
        rows.append(summary(f"3. {args.streams} at once, thread per stream ({args.threads})",
                            conc_threads, args.tokens))  # fmt: skip
        show(rows)
        added = rows[1]["ttft50"] - rows[0]["ttft50"]
        ratio = rows[3]["gap99"] / rows[2]["gap99"]
        print(f"\nadded to first token, p50: {added:.1f} ms (goal < 5 ms)")
        print(f"{args.streams} streams through Parley: {rows[3]['stalled']} stalled (goal 0); "
              f"p99 gap {ratio:.2f}x the provider's (goal <= 2x)")  # fmt: skip
        statuses = {s.status for s in conc_parley} | {s.status for s in seq_parley}
        if statuses != {200}:
            print(f"warning: Parley answered with statuses {sorted(statuses)}")
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
