"""Reading audit events: the filtered log (admin panel, API) and a person's recent events."""

import ipaddress
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import AuthEvent


@dataclass(frozen=True)
class EventFilter:
    method: str = ""
    outcome: str = ""
    reason: str = ""
    query: str = ""


def list_events(*, filters: EventFilter) -> QuerySet[AuthEvent]:
    events = AuthEvent.objects.all()
    if filters.method:
        events = events.filter(method=filters.method)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.reason:
        events = events.filter(reason=filters.reason)
    if filters.query:
        text = filters.query.strip()
        match = Q(reference=text.upper()) | Q(public_user_id=text)
        ip = _ip_or_none(text)
        if ip:
            match |= Q(client_ip=ip)
        events = events.filter(match)
    return events


def recent_events_for(*, public_user_id: str, limit: int) -> QuerySet[AuthEvent]:
    """The newest `limit` events naming this public user id (a user's page)."""
    return AuthEvent.objects.filter(public_user_id=public_user_id)[:limit]


def _ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
