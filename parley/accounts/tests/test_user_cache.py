"""The signed-in user is read through the cache (accounts/user_cache.py), and every change
to the person holds on their very next request: a deactivation, a deletion, a role, a name
or an email change, a login stamp."""

import pytest
from django.test import override_settings

from parley.accounts import services
from parley.accounts.models import Role
from parley.audit import actors


def _user_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"accounts_user"' in q["sql"]]


def test_a_warm_page_reads_the_user_from_the_cache(member_client, django_assert_num_queries):
    member_client.get("/account/")
    with django_assert_num_queries(0):
        assert member_client.get("/account/").status_code == 200


@override_settings(USER_CACHE_SECONDS=0)
def test_without_a_shared_cache_every_request_reads_the_user_row(
    member_client, django_assert_num_queries
):
    member_client.get("/account/")
    with django_assert_num_queries(1) as captured:
        assert member_client.get("/account/").status_code == 200
    assert len(_user_queries(captured)) == 1


def test_a_deactivated_person_is_refused_on_their_next_request(member_client):
    assert member_client.get("/account/").status_code == 200  # cached now
    services.deactivate_user(user=member_client.user)
    response = member_client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deleted_person_is_refused_on_their_next_request(member_client):
    assert member_client.get("/account/").status_code == 200
    services.delete_user(user=member_client.user)
    assert member_client.get("/account/").status_code == 302


@pytest.mark.parametrize(
    ("before", "after", "status_before", "status_after"),
    [(Role.MEMBER, Role.ADMIN, 403, 200), (Role.ADMIN, Role.MEMBER, 200, 403)],
)
def test_a_role_change_takes_effect_at_once(client_as, before, after, status_before, status_after):
    client = client_as(before)
    assert client.get("/admin/").status_code == status_before
    services.set_role(user=client.user, role=after, by=actors.COMMAND_LINE)
    assert client.get("/admin/").status_code == status_after


def test_a_new_name_and_email_show_at_once(member_client):
    assert b"member@example.com" in member_client.get("/account/").content
    services.set_name(user=member_client.user, name="Ada Lovelace")
    assert b"Ada Lovelace" in member_client.get("/account/").content
    services.update_email(user=member_client.user, email="ada@example.com")
    page = member_client.get("/account/").content
    assert b"ada@example.com" in page and b"member@example.com" not in page


def test_a_login_stamp_written_by_update_clears_the_cached_row(member_client):
    from parley.accounts.user_cache import CachedModelBackend

    backend = CachedModelBackend()
    user = member_client.user
    assert backend.get_user(user.pk).last_login_method == user.last_login_method  # cached
    services.record_login(user=user, method="jwt")
    assert backend.get_user(user.pk).last_login_method == "jwt"
