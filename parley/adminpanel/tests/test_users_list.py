"""The users list: search by id or email, filters, seat bar and pagination."""

from django.urls import reverse

from parley.accounts import services
from parley.accounts.models import CreatedVia, LoginMethod

USERS = reverse("adminpanel:users")


def _listed(response) -> set[str]:
    return {user.public_id for user in response.context["page_obj"]}


def test_search_finds_a_user_by_public_id(admin_client, make_user):
    wanted = make_user(public_id="4711")
    make_user()
    assert _listed(admin_client.get(USERS, {"q": "4711"})) == {wanted.public_id}


def test_search_finds_users_by_part_of_their_email_in_any_case(admin_client, make_user):
    wanted = make_user(email="Robin.Hood@Sherwood.example")
    make_user(email="tuck@abbey.example")
    assert _listed(admin_client.get(USERS, {"q": "  SHERWOOD "})) == {wanted.public_id}


def test_status_filter_lists_only_deactivated_users(admin_client, make_user):
    gone = make_user()
    make_user()
    services.deactivate_user(user=gone)
    response = admin_client.get(USERS, {"status": "deactivated"})
    assert _listed(response) == {gone.public_id}
    assert "Deactivated" in response.content.decode()


def test_created_via_and_login_method_filters(admin_client, admin_user, make_user):
    jwt_user = make_user(created_via=CreatedVia.JWT)
    services.record_login(user=jwt_user, method=LoginMethod.JWT)
    assert _listed(admin_client.get(USERS, {"created_via": "jwt"})) == {jwt_user.public_id}
    assert _listed(admin_client.get(USERS, {"login": "jwt"})) == {jwt_user.public_id}


def test_unknown_filter_values_are_ignored_with_a_notice(admin_client, make_user):
    make_user()
    response = admin_client.get(USERS, {"status": "banished", "created_via": "<script>"})
    assert response.status_code == 200
    assert len(_listed(response)) == 2
    assert "not recognised" in response.content.decode()


def test_list_shows_columns_and_the_seat_bar(admin_client, admin_user):
    services.set_seat_limit(limit=4)
    html = admin_client.get(USERS).content.decode()
    assert admin_user.public_id in html
    assert "admin@example.com" in html
    assert "1 of 4 seats in use" in html
    assert "3 free" in html
    assert 'aria-valuenow="1"' in html


def test_last_login_is_shown_in_the_viewers_time_zone(admin_client, admin_user):
    services.record_login(user=admin_user, method=LoginMethod.EMAIL)
    admin_user.refresh_from_db()
    admin_client.cookies["parley_tz"] = "Asia/Kolkata"  # UTC+05:30, no daylight saving
    html = admin_client.get(USERS).content.decode()
    from zoneinfo import ZoneInfo

    local = admin_user.last_login_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert local.strftime("%H:%M") in html


def test_users_are_paginated_by_fifty(admin_client, make_user):
    for _ in range(55):
        make_user()
    first = admin_client.get(USERS)
    assert len(first.context["page_obj"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = admin_client.get(USERS, {"page": 2})
    assert len(second.context["page_obj"]) == 6


def test_pagination_keeps_the_filters_and_survives_nonsense_pages(admin_client, make_user):
    for _ in range(55):
        make_user()
    html = admin_client.get(USERS, {"status": "active"}).content.decode()
    assert "?status=active&amp;page=2" in html
    assert admin_client.get(USERS, {"page": "lots"}).status_code == 200
    assert admin_client.get(USERS, {"page": "9999"}).status_code == 200


def test_user_detail_shows_identity_metadata_and_recent_events(admin_client, make_user):
    from parley.audit.services import record_event

    user = make_user(email="dana@example.com", metadata={"name": "Dana", "team": "Ops"})
    record_event(
        method="jwt", outcome="failure", reason="token_expired", public_user_id=user.public_id
    )
    html = admin_client.get(
        reverse("adminpanel:user", kwargs={"public_id": user.public_id})
    ).content.decode()
    assert user.public_id in html
    assert "dana@example.com" in html
    assert "&quot;team&quot;: &quot;Ops&quot;" in html
    assert "token_expired" in html


def test_user_ids_with_slashes_and_percent_signs_have_working_pages(admin_client, make_user):
    user = make_user(public_id="acme/42%")
    url = reverse("adminpanel:user", kwargs={"public_id": user.public_id})
    assert admin_client.get(USERS).status_code == 200
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["subject"] == user
