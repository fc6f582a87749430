"""Seats under SCIM: a create or reactivate with no seat free is refused with a SCIM error
that says so, and nothing is created or changed; deactivating frees the seat."""

from parley.accounts import services as accounts
from parley.accounts.models import Status, User
from parley.audit.models import AuthEvent
from parley.scim.models import ScimUser

from .conftest import USER_SCHEMA


def test_a_create_with_no_seat_free_is_refused_and_creates_nothing(scim, make_user):
    make_user(email="first@example.com")
    accounts.set_seat_limit(limit=1)
    response = scim.post(
        "Users", {"schemas": [USER_SCHEMA], "userName": "ann@example.com", "externalId": "emp-1"}
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/scim+json"
    assert "No seat is free (1 of 1 in use)" in response.json()["detail"]
    assert list(User.objects.values_list("email", flat=True)) == ["first@example.com"]
    assert not ScimUser.objects.exists()
    refused = AuthEvent.objects.filter(reason="scim_request_refused").get()
    assert "seat limit 1 reached" in refused.detail and "Okta production" in refused.detail


def test_a_reactivation_with_no_seat_free_is_refused_and_changes_nothing(scim, make_user):
    ann = scim.create_user("ann@example.com", displayName="Ann", active=False)["id"]
    make_user(email="other@example.com")
    accounts.set_seat_limit(limit=1)
    response = scim.patch(
        f"Users/{ann}",
        {"op": "replace", "path": "displayName", "value": "Ann Lee"},
        {"op": "replace", "value": {"active": True}},
    )
    assert response.status_code == 403
    assert "No seat is free" in response.json()["detail"]
    user = User.objects.get(pk=ann)
    assert (user.status, user.name) == (Status.DEACTIVATED, "Ann")


def test_deactivating_frees_a_seat_for_the_next_person(scim):
    accounts.set_seat_limit(limit=1)
    ann = scim.create_user("ann@example.com")["id"]
    refused = scim.post("Users", {"schemas": [USER_SCHEMA], "userName": "bob@example.com"})
    assert refused.status_code == 403
    assert (
        scim.patch(f"Users/{ann}", {"op": "replace", "path": "active", "value": False}).status_code
        == 200
    )
    assert accounts.seat_usage().used == 0
    scim.create_user("bob@example.com")
    assert accounts.seat_usage().used == 1
    assert (
        scim.patch(f"Users/{ann}", {"op": "replace", "path": "active", "value": True}).status_code
        == 403
    )


def test_an_inactive_person_is_provisioned_on_a_full_instance_holding_no_seat(scim, make_user):
    make_user(email="first@example.com")
    accounts.set_seat_limit(limit=1)
    ann = scim.create_user("ann@example.com", displayName="Ann", active=False)["id"]
    user = User.objects.get(pk=ann)
    assert (user.status, user.name) == (Status.DEACTIVATED, "Ann")
    assert accounts.seat_usage().used == 1
    assert "deactivated" in AuthEvent.objects.get(reason="scim_user_created").detail
