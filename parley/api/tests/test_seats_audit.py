"""/seats and /audit-events."""

from parley.accounts import services
from parley.audit.models import Method, Outcome
from parley.audit.services import record_event

from .conftest import assert_json_error


def test_seats_show_used_limit_and_free(api, make_user):
    make_user()
    assert api.get("/api/v1/seats").json() == {"used": 1, "limit": None, "free": None}
    assert api.put("/api/v1/seats", {"limit": 3}).json() == {"used": 1, "limit": 3, "free": 2}
    assert services.seat_usage().limit == 3
    assert api.put("/api/v1/seats", {"limit": None}).json()["limit"] is None


def test_a_limit_below_the_seats_in_use_is_a_422(api, make_user):
    make_user()
    make_user()
    body = assert_json_error(api.put("/api/v1/seats", {"limit": 1}), 422, "validation_failed")
    assert "2 seats are in use" in body["message"]
    assert services.seat_usage().limit is None


def test_a_limit_must_be_a_whole_number(api):
    for bad in (-1, 1.5, "3", True, {}):
        assert_json_error(api.put("/api/v1/seats", {"limit": bad}), 422, "validation_failed")
    assert_json_error(api.put("/api/v1/seats", {}), 422, "validation_failed")
    assert api.put("/api/v1/seats", {"limit": 4.0}).json()["limit"] == 4


def test_audit_events_list_newest_first_with_filters(api):
    record_event(method=Method.EMAIL, outcome=Outcome.SUCCESS, reason="ok", public_user_id="1")
    failure = record_event(
        method=Method.JWT, outcome=Outcome.FAILURE, reason="token_expired", public_user_id="2"
    )
    body = api.get("/api/v1/audit-events").json()
    assert body["total"] == 2 and body["items"][0]["reference"] == failure.reference
    expired = api.get("/api/v1/audit-events", {"reason": "token_expired"}).json()
    assert [e["user_id"] for e in expired["items"]] == ["2"]
    by_ref = api.get("/api/v1/audit-events", {"q": failure.reference.lower()}).json()
    assert by_ref["total"] == 1
    assert api.get("/api/v1/audit-events", {"method": "email"}).json()["total"] == 1
    assert api.get("/api/v1/audit-events", {"outcome": "failure", "limit": 1}).json()["total"] == 1
    assert_json_error(
        api.get("/api/v1/audit-events", {"outcome": "maybe"}), 422, "validation_failed"
    )
