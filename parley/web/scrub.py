"""Keeps login codes, link tokens and JWTs out of logs and error reports."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

SECRET_PARAMS = ("externalAuthCode", "code", "token", "key", "login_code")
REDACTED = "[redacted]"

_QUERY_SECRET = re.compile(
    r"(?i)((?:^|[?&;]|%3F|%26)(?:" + "|".join(SECRET_PARAMS) + r")(?:=|%3D))[^&;#\s\"']*"
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
        meta = super().get_safe_request_meta(request)
        return {k: scrub(v) if isinstance(v, str) else v for k, v in meta.items()}

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None:
            return params
        params = params.copy()
        for name in SECRET_PARAMS:
            if name in params:
                params[name] = self.cleansed_substitute
        return params
