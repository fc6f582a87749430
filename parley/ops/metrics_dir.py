"""The directory where the workers of one `parley serve` keep their metrics (prometheus_client's
multiprocess mode). Imports nothing of prometheus_client: it must be set up before that is."""

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "serve-"


def prepare(*, data_dir: Path) -> Path:
    """A new, empty directory under `data_dir`/metrics for this `parley serve`; the ones that
    serve processes no longer running left behind are removed first, so counts start at
    zero with each start, as they do with one worker."""
    parent = data_dir / "metrics"
    parent.mkdir(exist_ok=True)
    for old in parent.glob(f"{PREFIX}*"):
        if not _running(old.name.removeprefix(PREFIX).split("-", 1)[0]):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _running(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
