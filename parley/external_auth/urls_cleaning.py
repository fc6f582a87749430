"""Where to send the person after a URL login: the same path on this host, minus the code."""

import re
from urllib.parse import parse_qsl, quote, urlencode

from django.utils.http import url_has_allowed_host_and_scheme

PARAM = "externalAuthCode"
# Leading slashes and backslashes (browsers treat "\" like "/") that would make a path
# protocol-relative ("//evil.example/") collapse to a single "/".
_LEADING_SLASHES = re.compile(r"^[/\\]+")


def code_values(query_string: str) -> list[str]:
    """Every externalAuthCode value in the raw query string (more than one is an error)."""
    return [v for k, v in parse_qsl(query_string, keep_blank_values=True) if k == PARAM]


def target_without_code(*, path: str, query_string: str) -> str:
    """The path (decoded, as Django gives it) and query with every externalAuthCode removed,
    always a path on this host."""
    safe_path = "/" + _LEADING_SLASHES.sub("", path)
    location = quote(safe_path, safe="/-._~!$&'()*+,;=:@%")
    rest = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if k != PARAM]
    if rest:
        location += "?" + urlencode(rest)
    if not url_has_allowed_host_and_scheme(location, allowed_hosts=None):
        return "/"
    return location
