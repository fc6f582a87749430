"""The access log's line for one request: secrets scrubbed, every field escaped to one line.

    127.0.0.1 "GET /chat/?tab=2" 200 3.1ms "https://intranet.example/" "Mozilla/5.0 …"

The client sends the path, query, Referer and User-Agent, so any of them may hold a line
break or a quote meant to forge a line or a field. Each field is escaped as nginx does: a
double quote, a backslash and every character that is not printable (C0 and C1 controls,
DEL, line and paragraph separators, bidi overrides…) become `\\xNN` (`\\uNNNN` above
U+00FF); a byte that is not UTF-8 becomes `\\xNN` too.
"""

from parley.web.proxy import scope_client_address
from parley.web.scrub import scrub, scrub_query, scrub_url

_QUOTE_OR_BACKSLASH = ('"', "\\")


def escape(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return text  # nearly every field: no work beyond the test
    return "".join(_escape_character(character) for character in text)


def _escape_character(character: str) -> str:
    if character.isprintable() and character not in _QUOTE_OR_BACKSLASH:
        return character
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for a byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("utf-8", errors="surrogateescape")
    return ""


def access_line(scope, *, status: int, milliseconds: float) -> str:
    """`scope` is the ASGI request's; its path is already percent-decoded, as Django sees it."""
    query = scope.get("query_string", b"").decode("utf-8", errors="surrogateescape")
    target = scrub(scope.get("path", "")) + ("?" + scrub_query(query) if query else "")
    # Behind a trusted proxy, the client it names (the peer would always be the proxy).
    client = scope_client_address(scope) or "-"
    referer = scrub_url(_header(scope, b"referer")) or "-"
    agent = _header(scope, b"user-agent") or "-"
    return (
        f'{escape(str(client))} "{escape(scope.get("method", "-"))} {escape(target)}" '
        f'{status} {milliseconds:.1f}ms "{escape(referer)}" "{escape(agent)}"'
    )
