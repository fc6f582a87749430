"""`brand` and `site_name` in every template, read from the cache (parley.branding.selectors)."""

from .selectors import current_brand


def branding(request):
    brand = current_brand()
    return {"brand": brand, "site_name": brand.name}
