"""Widget rules: who may embed it (allowed origins → frame-ancestors) and how it looks."""

import re
from urllib.parse import urlsplit

from parley.branding.selectors import current_brand
from parley.errors import ValidationFailed

from .models import Position, WidgetSettings

MAX_ORIGINS = 50
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def widget_settings() -> WidgetSettings:
    found, _ = WidgetSettings.objects.get_or_create(pk=1)
    return found


def normalize_origin(value: str) -> str:
    """`scheme://host[:port]` exactly as a browser serialises it in `event.origin`.

    Paths, queries, credentials and wildcards are refused: an origin is compared whole,
    never as a prefix or pattern, so "https://shop.example" never admits
    "https://shop.example.evil.io".
    """
    text = value.strip()
    problem = (
        f"“{text}” is not an origin: write scheme://host[:port], e.g. https://shop.example.com"
    )
    if not text or "*" in text or any(c.isspace() for c in text):
        raise ValidationFailed(f"bad origin {text!r}", user_message=problem)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationFailed(f"bad origin {text!r}", user_message=problem) from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    has_extra = parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc
    if scheme not in _DEFAULT_PORTS or not host or has_extra:
        raise ValidationFailed(f"bad origin {text!r}", user_message=problem)
    if ":" in host:
        host = f"[{host}]"
    if not (_HOST.match(host) or _IPV6.match(host)):
        raise ValidationFailed(f"bad host in {text!r}", user_message=problem)
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_origins(text: str) -> list[str]:
    """Origins one per line (commas and spaces also separate them), normalised, de-duplicated."""
    origins: list[str] = []
    for item in re.split(r"[\s,]+", text):
        if item:
            origin = normalize_origin(item)
            if origin not in origins:
                origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise ValidationFailed(
            "too many origins", user_message=f"At most {MAX_ORIGINS} origins can embed the widget."
        )
    return origins


def update_widget_settings(
    *,
    allowed_origins: list[str],
    title: str,
    accent_color: str,
    position: str,
    open_on_load: bool,
) -> WidgetSettings:
    origins = parse_origins(" ".join(allowed_origins))
    title = " ".join(title.split())[:60]
    if not title:
        raise ValidationFailed("empty title", user_message="The widget needs a title.")
    if accent_color and not _COLOR.match(accent_color):
        raise ValidationFailed(
            "bad colour", user_message="The accent colour must look like #2563eb."
        )
    if position not in Position.values:
        raise ValidationFailed("bad position", user_message="Choose a position from the list.")
    found = widget_settings()
    found.allowed_origins = origins
    found.title = title
    found.accent_color = accent_color.lower()
    found.position = position
    found.open_on_load = open_on_load
    found.save()
    return found


def accent_color(*, found: WidgetSettings) -> str:
    """The widget's own colour, else the instance's accent."""
    return found.accent_color or current_brand().accent_color


def frame_ancestors(*, found: WidgetSettings) -> str:
    """The CSP directive for the frame page: the allowed origins, or no one."""
    origins = found.allowed_origins
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")
