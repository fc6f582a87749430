"""Reading the branding. Every page shows it, so it is read from the cache (one entry,
dropped by parley.branding.services whenever it changes) and the database only on a miss."""

from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from functools import lru_cache
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.urls import reverse

from parley.web.templatetags.cached_static import static_url

from . import logo as logos
from .models import DEFAULT_ACCENT, DEFAULT_NAME, Branding

CACHE_KEY = "parley:branding:v1"
DEFAULT_FAVICON = "parley/favicon.svg"


@dataclass(frozen=True)
class Brand:
    """What pages, mails and the widget show: the branding without the logo's bytes."""

    name: str = DEFAULT_NAME
    accent_color: str = DEFAULT_ACCENT
    logo_hash: str = ""
    logo_content_type: str = ""
    welcome_text: str = ""
    starter_prompts: tuple[str, ...] = ()
    email_from_name: str = ""
    email_subject_prefix: str = ""
    return_url: str = ""

    @property
    def logo_url(self) -> str:
        if not self.logo_hash:
            return ""
        extension = logos.EXTENSIONS[self.logo_content_type]
        return reverse("branding_logo", kwargs={"digest": self.logo_hash, "extension": extension})

    @property
    def favicon_url(self) -> str:
        return self.logo_url or static_url(DEFAULT_FAVICON)

    @property
    def favicon_type(self) -> str:
        return self.logo_content_type or logos.SVG

    @property
    def theme_css(self) -> str:
        """The accent as CSS custom properties; a stylesheet, since pages allow no inline
        style (parley/web/security_headers.py)."""
        return _theme_css(self.accent_color)

    @property
    def theme_hash(self) -> str:
        return _theme_hash(self.accent_color)

    @property
    def theme_url(self) -> str:
        return reverse("branding_theme", kwargs={"digest": self.theme_hash})

    @property
    def from_email(self) -> str:
        """PARLEY_FROM_EMAIL's address, under the sender name (else the instance name)."""
        _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((self.email_from_name or self.name, address))

    @property
    def subject_prefix(self) -> str:
        return f"{self.email_subject_prefix or f'[{self.name}]'} "


# Every page links the theme by its hash: worked out once per accent, not on every page.
@lru_cache(maxsize=64)
def _theme_css(accent: str) -> str:
    return f":root{{--accent:{accent};--accent-soft:{_soft(accent)};--accent-ink:{_ink(accent)}}}\n"


@lru_cache(maxsize=64)
def _theme_hash(accent: str) -> str:
    return sha256(_theme_css(accent).encode()).hexdigest()[:16]


def _channels(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _soft(color: str) -> str:
    """The accent mixed nine parts white: a tint for backgrounds behind accent text."""
    return "#" + "".join(f"{round(c + (255 - c) * 0.9):02x}" for c in _channels(color))


def _ink(color: str) -> str:
    """White or near-black, whichever reads better on the accent (WCAG relative luminance)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#111111"


def brand_of(row: Branding | None) -> Brand:
    if row is None:
        return Brand()
    return Brand(
        name=row.name,
        accent_color=row.accent_color,
        logo_hash=row.logo_hash,
        logo_content_type=row.logo_content_type,
        welcome_text=row.welcome_text,
        starter_prompts=tuple(row.starter_prompts),
        email_from_name=row.email_from_name,
        email_subject_prefix=row.email_subject_prefix,
        return_url=row.return_url,
    )


def current_brand() -> Brand:
    found = cache.get(CACHE_KEY)
    if isinstance(found, Brand):
        return found
    brand = brand_of(Branding.objects.defer("logo").filter(pk=1).first())
    cache.set(CACHE_KEY, brand, None)
    return brand


def brand_for_error_page() -> Brand:
    """The branding for a page rendered because something broke: the defaults when even
    reading it fails (the database is gone), so the error page itself still renders."""
    try:
        return current_brand()
    except DatabaseError:
        return Brand()


def logo_with_hash(digest: str) -> logos.Logo | None:
    row = Branding.objects.filter(pk=1, logo_hash=digest).only("logo", "logo_content_type").first()
    if row is None or not row.logo:
        return None
    return logos.Logo(data=bytes(row.logo), content_type=row.logo_content_type)
