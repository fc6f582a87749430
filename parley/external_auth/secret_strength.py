"""Whether an admin-pasted HMAC secret could be guessed: public lists and low-entropy shapes."""

import functools
import math
from dataclasses import dataclass
from importlib import resources

from .errors import KeyRejected

GENERATE_HINT = (
    "Let Parley generate one instead (Rotate secret, or parley jwt rotate), or use a random "
    "value such as `openssl rand -base64 32` prints."
)
# Below this many bits by length × log2(distinct characters) a secret is brute-forced
# offline from one code; 256-bit generated secrets are far above it even in hex.
MIN_SHAPE_BITS = 80
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_PADDING_SEPARATORS = " -_.,:;!#*+=~/\\|"


@dataclass(frozen=True)
class Weakness:
    """Why a secret is guessable: `reason` for the audit log, `message` for the admin."""

    reason: str
    message: str


def check_secret_strength(text: str) -> None:
    """Refuse a secret that cracking tools would find (KeyRejected saying why)."""
    weakness = find_weakness(text)
    if weakness is not None:
        raise KeyRejected(
            f"weak secret: {weakness.reason}",
            user_message=(
                f"{weakness.message} Cracking tools try such secrets first, and whoever finds "
                f"it can sign a login for anyone, admins included. {GENERATE_HINT}"
            ),
        )


def find_weakness(text: str) -> Weakness | None:
    """The first reason `text` is guessable, or None. Case never matters for the lists."""
    lowered = text.lower()
    if lowered in weak_secrets():
        return Weakness(
            "in the public lists of leaked or common JWT secrets",
            "This secret is in public lists of leaked or common JWT secrets.",
        )
    if any(core in weak_secrets() for core in _cores(lowered)):
        return Weakness(
            "a listed secret or password repeated or padded to length",
            "This secret is a well-known secret or password, repeated or padded to length.",
        )
    if _repeats(lowered):
        return Weakness("repeats a short pattern", "This secret repeats a short pattern.")
    if _mostly_sequential(lowered):
        return Weakness(
            "mostly consecutive characters",
            "This secret is mostly a run of consecutive characters (like abcd, 1234 or qwerty).",
        )
    distinct = len(set(text))
    if len(text) * math.log2(max(distinct, 2)) < MIN_SHAPE_BITS:
        return Weakness(
            f"only {distinct} different characters",
            f"This secret uses only {distinct} different characters.",
        )
    only = _single_class(text)
    if only:
        return Weakness(f"only {only}", f"This secret has only {only}.")
    return None


@functools.cache
def weak_secrets() -> frozenset[str]:
    """The shipped list (data/README.md says where it comes from), lowercased."""
    text = resources.files(__package__).joinpath("data/weak_secrets.txt").read_text("utf-8")
    return frozenset(line for line in text.split("\n") if line)


def _cores(lowered: str) -> set[str]:
    """What is left of `lowered` without padding (runs of one character or of consecutive
    ones at either end, then separators), and the unit it repeats, if it does."""
    stripped = _strip_runs(_strip_runs(lowered)[::-1])[::-1].strip(_PADDING_SEPARATORS)
    cores = {stripped, *(_unit(text).strip(_PADDING_SEPARATORS) for text in (lowered, stripped))}
    cores.discard(lowered)
    cores.discard("")
    return cores


def _strip_runs(text: str) -> str:
    """`text` without its trailing run of repeated or consecutive characters (3 or more)."""
    end = len(text) - 1
    while end > 0 and _next_to(text[end - 1], text[end]):
        end -= 1
    return text[:end] if len(text) - end >= 3 else text


def _unit(text: str) -> str:
    """The shortest unit that `text` repeats (the last repetition may be cut short), or
    `text` itself when it repeats nothing."""
    for size in range(1, (len(text) + 1) // 2 + 1):
        if all(text[i] == text[i % size] for i in range(size, len(text))):
            return text[:size]
    return text


def _repeats(lowered: str) -> bool:
    # A repeated pattern, even with a few changes, reuses its three-character pieces:
    # random text of 32+ characters practically never does.
    pieces = [lowered[i : i + 3] for i in range(len(lowered) - 2)]
    return len(set(pieces)) * 2 <= len(pieces)


def _mostly_sequential(lowered: str) -> bool:
    steps = list(zip(lowered, lowered[1:], strict=False))
    sequential = sum(_next_to(a, b) for a, b in steps)
    return sequential * 5 >= len(steps) * 3


def _next_to(a: str, b: str) -> bool:
    """Whether b follows a in a simple run: the same, one up or down, or beside it on a
    keyboard row (where 9 is followed by 0)."""
    if abs(ord(a) - ord(b)) <= 1:
        return True
    return any(
        a in row and b in row and abs(row.index(a) - row.index(b)) == 1 for row in _KEYBOARD_ROWS
    )


def _single_class(text: str) -> str | None:
    if text.isdigit():
        return "digits"
    if text.isalpha() and text.islower():
        return "lowercase letters"
    if text.isalpha() and text.isupper():
        return "uppercase letters"
    if not any(ch.isalnum() for ch in text):
        return "symbols"
    return None
