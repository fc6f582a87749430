"""Reading groups."""

from django.db.models import QuerySet

from .models import Group


def all_groups() -> QuerySet[Group]:
    return Group.objects.all()
