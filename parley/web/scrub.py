"""Keeps login codes, link tokens and JWTs out of logs and error reports."""

import logging
import re
from urllib.parse import unquote, unquote_plus

from django.views.debug import SafeExceptionReporterFilter

SECRET_PARAMS = ("externalAuthCode", "code", "token", "key", "login_code")
_SECRET_NAMES = frozenset(name.lower() for name in SECRET_PARAMS)
REDACTED = "[redacted]"

_QUERY_SECRET = re.compile(
    r"(?i)((?:^|[?&;#]|%3F|%26)(?:" + "|".join(SECRET_PARAMS) + r")(?:=|%3D))[^&;#\s\"']*"
)
_PATH_SECRET = re.compile(r"(/login/link/|/accounts/confirm-email/)[^/?#\s\"']+")
# Anything shaped like a JWT (three base64url segments, the first a JSON header).
_JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")


# Cheap test first: most log lines hold none of these, and the regexes cost far more.
_MARKERS = ("=", "%3D", "%3d", "/login/link/", "/confirm-email/", "eyJ")


def scrub(text: str) -> str:
    if not text or not any(marker in text for marker in _MARKERS):
        return text
    text = _QUERY_SECRET.sub(r"\1" + REDACTED, text)
    text = _PATH_SECRET.sub(r"\1" + REDACTED, text)
    return _JWT_SHAPE.sub(REDACTED, text)


def scrub_query(query: str) -> str:
    """A raw query string with secrets redacted, judged by each parameter's name and value
    as Django decodes them: `%65xternalAuthCode=%65%79J…` is the code, and is redacted.

    Without `%` or `+` the raw text is what Django reads, and scrub()'s cheap test and
    patterns suffice. Names and values are also decoded again while that changes them:
    Django would not take `%2565xternalAuthCode` as the code, but whoever reads the log
    could still decode it twice into one that works.
    """
    if "%" not in query and "+" not in query:
        return scrub(query)
    return "&".join(_scrub_parameter(part) for part in query.split("&"))


def _scrub_parameter(part: str) -> str:
    name, equals, value = part.partition("=")
    decoded_name, decoded_value = _decoded(name), _decoded(value)
    if equals and decoded_name.lower() in _SECRET_NAMES:
        return f"{name}={REDACTED}"
    if scrub(decoded_value) != decoded_value:  # a JWT, or a URL carrying a code
        return f"{name}={REDACTED}"
    if scrub(decoded_name) != decoded_name:
        return REDACTED
    return part


def _decoded(text: str, rounds: int = 4) -> str:
    decoded = unquote_plus(text)  # as Django decodes a query
    while rounds and "%" in decoded:
        decoded, previous, rounds = unquote(decoded), decoded, rounds - 1
        if decoded == previous:
            break
    return decoded


def scrub_url(url: str) -> str:
    """A URL (a Referer) with secrets redacted: its path judged decoded, as Django routes
    it, and logged so; its query as scrub_query does."""
    before, question, query = url.partition("?")
    before = scrub(unquote(before, errors="surrogateescape"))
    return before + question + scrub_query(query) if question else before


class ScrubSecretsFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class ScrubbingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports, with URL secrets and login codes cleansed too."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|EMAIL_URL|DATABASE_URL|REDIS_URL",
        flags=re.I,
    )

    def get_safe_request_meta(self, request):
        meta = {
            name: scrub(value) if isinstance(value, str) else value
            for name, value in super().get_safe_request_meta(request).items()
        }
        for name, scrubber in (("QUERY_STRING", scrub_query), ("HTTP_REFERER", scrub_url)):
            if isinstance(meta.get(name), str):
                meta[name] = scrubber(meta[name])
        return meta

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None:
            return params
        params = params.copy()
        for name in SECRET_PARAMS:
            if name in params:
                params[name] = self.cleansed_substitute
        return params
