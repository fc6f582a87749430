"""Reads of users for the operator's tools; the rules that change them are in services.py."""

from django.db.models import QuerySet

from .models import User


def list_users() -> QuerySet[User]:
    """Every user, oldest first, email signups still awaiting their code included: the
    operator's full view (`parley users list`)."""
    return User.objects.order_by("created_at", "id")
