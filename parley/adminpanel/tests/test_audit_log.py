"""The audit log page: filters by method, outcome and reason; search by reference, user or IP."""

from django.test import RequestFactory
from django.urls import reverse

from parley.audit.services import record_event

AUDIT = reverse("adminpanel:audit")


def _event(*, method="email", outcome="success", reason="ok", user="", ip="10.0.0.1"):
    request = RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT="TestBrowser/1.0")
    return record_event(
        method=method, outcome=outcome, reason=reason, public_user_id=user, request=request
    )


def _listed(response) -> set[str]:
    return {event.reference for event in response.context["page_obj"]}


def test_filters_by_method_outcome_and_reason(admin_client):
    ok = _event()
    expired = _event(method="jwt", outcome="failure", reason="token_expired")
    bad_sig = _event(method="jwt", outcome="failure", reason="invalid_signature")
    assert _listed(admin_client.get(AUDIT, {"method": "jwt"})) == {
        expired.reference,
        bad_sig.reference,
    }
    assert _listed(admin_client.get(AUDIT, {"outcome": "success"})) == {ok.reference}
    assert _listed(admin_client.get(AUDIT, {"reason": "token_expired"})) == {expired.reference}


def test_a_reference_code_typed_in_the_search_box_finds_its_event(admin_client):
    wanted = _event(outcome="failure", reason="login_link_used")
    _event()
    response = admin_client.get(AUDIT, {"q": f" {wanted.reference.lower()} "})
    assert _listed(response) == {wanted.reference}
    assert f'<code class="ref">{wanted.reference}</code>' in response.content.decode()


def test_search_by_public_user_id_and_by_ip(admin_client):
    mine = _event(user="4711", ip="192.0.2.7")
    _event(user="other")
    assert _listed(admin_client.get(AUDIT, {"q": "4711"})) == {mine.reference}
    assert _listed(admin_client.get(AUDIT, {"q": "192.0.2.7"})) == {mine.reference}


def test_unknown_filter_values_are_ignored_with_a_notice(admin_client):
    _event()
    response = admin_client.get(AUDIT, {"method": "carrier-pigeon", "reason": "nope"})
    assert response.status_code == 200
    assert len(_listed(response)) == 1
    assert "not recognised" in response.content.decode()


def test_times_are_shown_in_the_viewers_time_zone(admin_client):
    from zoneinfo import ZoneInfo

    event = _event()
    admin_client.cookies["parley_tz"] = "Asia/Kolkata"
    html = admin_client.get(AUDIT).content.decode()
    assert event.created_at.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M:%S") in html


def test_events_are_paginated(admin_client):
    for _ in range(51):
        _event()
    response = admin_client.get(AUDIT, {"page": 2})
    assert len(response.context["page_obj"]) == 1
