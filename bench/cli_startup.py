"""How long a `parley` command takes from start to exit, against `python -c pass` and a bare
`django.setup()` with Parley's settings, in one run (bench/README.md).

    .venv/bin/python bench/cli_startup.py [--runs 9]

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
WITHOUT_NINJA = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'bench.no_ninja_settings'; "
# Packages a command that only reads or writes a setting should not need to load.
HEAVY = ("ninja", "pydantic", "openai", "aiohttp", "httpx", "granian", "markdown", "nh3")
SHOW_HEAVY = f"print(','.join(p for p in {HEAVY!r} if p in sys.modules) or '-', file=sys.stderr)"
COMMAND = "import sys; from parley.cli import main; code = main(sys.argv[1:]); "
# name: (what is timed, the same in one process that then names the heavy packages loaded)
TARGETS = {
    "python -c pass": ([PY, "-c", "pass"], None),
    "django.setup() (Parley settings)": (
        [PY, "-c", SETUP],
        [PY, "-c", f"import sys; {SETUP}; {SHOW_HEAVY}"],
    ),
    "django.setup() without the ninja app": (
        [PY, "-c", WITHOUT_NINJA + SETUP],
        [PY, "-c", f"import sys; {WITHOUT_NINJA}{SETUP}; {SHOW_HEAVY}"],
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


def run(argv, env) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_packages(argv, env) -> str:
    if argv is None:
        return ""
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return result.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per target (median)")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="parley-bench-")
    env = {**os.environ, "PARLEY_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    env["DJANGO_SETTINGS_MODULE"] = "parley.settings"
    env.setdefault("PARLEY_SECRET_KEY", "bench-secret-key-not-for-production")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    try:
        for argv, _ in TARGETS.values():  # migrates the data dir, writes the .pyc files
            run(argv, env)
        walls = {name: [] for name in TARGETS}
        cpus = {name: [] for name in TARGETS}
        for _ in range(args.runs):
            for name, (argv, _) in TARGETS.items():
                wall, cpu = run(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        load = os.getloadavg()[0]
        print(f"median of {args.runs} runs each, interleaved; load average {load:.1f}")
        setup = statistics.median(walls["django.setup() (Parley settings)"])
        print(f"{'target':38} {'wall s':>7} {'CPU s':>6} {'x setup':>8}  heavy packages loaded")
        for name, (_, show_heavy) in TARGETS.items():
            wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
            loaded = heavy_packages(show_heavy, env)
            print(f"{name:38} {wall:7.3f} {cpu:6.3f} {wall / setup:7.2f}x  {loaded}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
