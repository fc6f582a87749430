"""Bench-only settings: Parley's own settings (same middleware, same DB) with the bare
"ok" URLconf, so R and the (a) line differ only in how they are served."""

from parley.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ok_urls"
