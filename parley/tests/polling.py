"""Wait for something another thread or process does, by polling instead of sleeping."""

import time


def wait_until(predicate, *, seconds: float = 10.0, what: str = "the condition"):
    """predicate()'s first truthy value; fails the test if none comes within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"waited {seconds:g} s for {what}"
        time.sleep(0.05)
