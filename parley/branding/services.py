"""Changing the branding: every field through parley.branding.validation, then the cache
entry dropped so every worker reads the new branding on its next page."""

from typing import Any

from django.core.cache import cache
from django.db import transaction

from . import validation
from .logo import clean_logo
from .models import Branding
from .selectors import CACHE_KEY, Brand, brand_of, current_brand

UNCHANGED: Any = object()

_CLEANERS = {
    "name": validation.clean_name,
    "accent_color": validation.clean_accent,
    "welcome_text": validation.clean_welcome,
    "starter_prompts": validation.clean_starter_prompts,
    "email_from_name": validation.clean_from_name,
    "email_subject_prefix": validation.clean_subject_prefix,
    "return_url": validation.clean_return_url,
}


def update_branding(
    *,
    name: Any = UNCHANGED,
    accent_color: Any = UNCHANGED,
    welcome_text: Any = UNCHANGED,
    starter_prompts: Any = UNCHANGED,
    email_from_name: Any = UNCHANGED,
    email_subject_prefix: Any = UNCHANGED,
    return_url: Any = UNCHANGED,
    logo: bytes | None = UNCHANGED,
) -> Brand:
    """Set the fields given (UNCHANGED leaves one as it is; logo=None removes the logo).
    Every field is checked before any is saved: one bad value changes nothing."""
    given = {
        "name": name,
        "accent_color": accent_color,
        "welcome_text": welcome_text,
        "starter_prompts": starter_prompts,
        "email_from_name": email_from_name,
        "email_subject_prefix": email_subject_prefix,
        "return_url": return_url,
    }
    changes = {
        field: _CLEANERS[field](value) for field, value in given.items() if value is not UNCHANGED
    }
    if logo is not UNCHANGED:
        cleaned = clean_logo(logo) if logo is not None else None
        changes["logo"] = cleaned.data if cleaned else b""
        changes["logo_content_type"] = cleaned.content_type if cleaned else ""
        changes["logo_hash"] = cleaned.digest if cleaned else ""
    if not changes:
        return current_brand()
    with transaction.atomic():
        row, _ = Branding.objects.select_for_update().get_or_create(pk=1)
        for field, value in changes.items():
            setattr(row, field, value)
        row.save()
        # Dropped again once committed: a page read between the two would cache the old row.
        transaction.on_commit(forget_cached_branding)
    forget_cached_branding()
    return brand_of(row)


def forget_cached_branding() -> None:
    cache.delete(CACHE_KEY)
