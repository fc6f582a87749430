"""Audit events: one per attempt, findable by reference, user id or address."""

from django.test import RequestFactory

from parley.audit.selectors import EventFilter, list_events
from parley.audit.services import record_event


def make_request(ip="203.0.113.9", agent="Firefox/140"):
    return RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def test_an_event_records_who_how_and_from_where(db):
    event = record_event(
        method="jwt",
        outcome="failure",
        reason="token_expired",
        request=make_request(),
        public_user_id="u-1",
        jti="j1",
        iss="crm",
        kid="k1",
    )
    assert (event.client_ip, event.user_agent) == ("203.0.113.9", "Firefox/140")
    assert len(event.reference) == 10 and event.reference.isupper()
    assert (event.jti, event.iss, event.kid) == ("j1", "crm", "k1")


def test_events_are_found_by_reference_user_id_or_ip(db):
    first = record_event(method="email", outcome="success", reason="ok", request=make_request())
    record_event(
        method="jwt", outcome="failure", reason="x", request=make_request(ip="198.51.100.1")
    )
    assert list(list_events(filters=EventFilter(query=first.reference.lower()))) == [first]
    assert list_events(filters=EventFilter(query="198.51.100.1")).count() == 1
    assert list_events(filters=EventFilter(method="email")).get() == first
    assert list_events(filters=EventFilter(outcome="failure")).count() == 1
    assert list_events(filters=EventFilter(query="not-a-thing")).count() == 0


def test_a_garbage_client_address_is_stored_as_unknown(db):
    event = record_event(
        method="email", outcome="failure", reason="x", request=make_request(ip="bogus")
    )
    assert event.client_ip is None
