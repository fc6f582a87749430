"""Reads about identity providers: the login page's buttons, the admin's and CLI's lists."""

from django.db.models import Count, QuerySet

from .models import Provider


def enabled_providers() -> list[Provider]:
    return list(Provider.objects.filter(enabled=True).order_by("name"))


def all_providers() -> QuerySet[Provider]:
    return Provider.objects.annotate(people=Count("identities")).order_by("name")


def provider_by_slug(slug: str) -> Provider | None:
    return Provider.objects.filter(slug=slug).first()


def sso_only() -> bool:
    """The owner's "SSO only" switch: email login for owners alone."""
    from .models import SsoSettings

    return bool(SsoSettings.objects.filter(pk=1).values_list("sso_only", flat=True).first())


def provider_by_id(provider_id: int) -> Provider | None:
    return Provider.objects.filter(pk=provider_id).first()
