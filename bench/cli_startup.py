"""How long a `parley` command takes from start to exit, against `python -c pass` and a bare
`django.setup()` with Parley's settings, in one run (bench/README.md).

    .venv/bin/python bench/cli_startup.py [--runs 9] [--before DIR]

`--before DIR` also times the commands and `django.setup()` with the Parley code in DIR (an
unpacked older commit: `git archive <commit> | tar -x -C DIR`) in the same interleaved runs,
so that before and after are measured under the same load.

Every target runs once to warm the bytecode caches (PYTHONDONTWRITEBYTECODE is dropped for
the children: without .pyc files every run would compile every module), then all targets
run in turn `--runs` times; medians of wall time and of CPU time (user + system). A
throwaway PARLEY_DATA_DIR, migrated first, is removed at the end.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PARLEY = str(Path(PY).with_name("parley"))
SETUP = "import django; django.setup()"
# Packages a command that only reads or writes a setting should not need to load.
HEAVY = (
    "ninja",
    "pydantic",
    "openai",
    "aiohttp",
    "httpx",
    "requests",
    "prometheus_client",
    "granian",
)
SHOW_HEAVY = f"print(','.join(p for p in {HEAVY!r} if p in sys.modules) or '-', file=sys.stderr)"
COMMAND = "import sys; from parley.cli import main; code = main(sys.argv[1:]); "
# name: (what is timed, the same in one process that then names the heavy packages loaded)
TARGETS = {
    "python -c pass": ([PY, "-c", "pass"], None),
    "django.setup() (Parley settings)": (
        [PY, "-c", SETUP],
        [PY, "-c", f"import sys; {SETUP}; {SHOW_HEAVY}"],
    ),
    "parley seats": ([PARLEY, "seats"], [PY, "-c", f"{COMMAND}{SHOW_HEAVY}", "seats"]),
    "parley jwt policy": (
        [PARLEY, "jwt", "policy"],
        [PY, "-c", f"{COMMAND}{SHOW_HEAVY}", "jwt", "policy"],
    ),
    "parley users list": (
        [PARLEY, "users", "list"],
        [PY, "-c", f"{COMMAND}{SHOW_HEAVY}", "users", "list"],
    ),
}


def with_before(targets: dict, before_root: str | None) -> dict:
    """name: (argv, heavy argv, PYTHONPATH or None) with each Parley target twice when asked."""
    out = {}
    for name, (argv, heavy) in targets.items():
        out[name] = (argv, heavy, None)
        if before_root and name != "python -c pass":
            out[f"{name}, before"] = (argv, heavy, before_root)
    return out


def run(argv, env) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # In the code's own directory: `python -c` puts the working directory first on sys.path.
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, cwd=env["PYTHONPATH"])
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_packages(argv, env) -> str:
    if argv is None:
        return ""
    result = subprocess.run(
        argv, env=env, capture_output=True, text=True, check=True, cwd=env["PYTHONPATH"]
    )
    return result.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per target (median)")
    parser.add_argument("--before", help="also time the Parley code unpacked in this dir")
    args = parser.parse_args()
    targets = with_before(TARGETS, args.before)

    data_dir = tempfile.mkdtemp(prefix="parley-bench-")
    env = {**os.environ, "PARLEY_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    env["DJANGO_SETTINGS_MODULE"] = "parley.settings"
    env.setdefault("PARLEY_SECRET_KEY", "bench-secret-key-not-for-production")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    envs = {None: env}
    if args.before:
        envs[args.before] = {**env, "PYTHONPATH": args.before}
    try:
        for argv, _, root in targets.values():  # migrates the data dir, writes the .pyc files
            run(argv, envs[root])
        walls = {name: [] for name in targets}
        cpus = {name: [] for name in targets}
        for _ in range(args.runs):
            for name, (argv, _, root) in targets.items():
                wall, cpu = run(argv, envs[root])
                walls[name].append(wall)
                cpus[name].append(cpu)
        load = os.getloadavg()[0]
        print(f"median of {args.runs} runs each, interleaved; load average {load:.1f}")
        setup = statistics.median(walls["django.setup() (Parley settings)"])
        print(f"{'target':46} {'wall s':>7} {'CPU s':>6} {'x setup':>8}  heavy packages loaded")
        for name, (_, show_heavy, root) in targets.items():
            wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
            loaded = heavy_packages(show_heavy, envs[root])
            print(f"{name:46} {wall:7.3f} {cpu:6.3f} {wall / setup:7.2f}x  {loaded}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
