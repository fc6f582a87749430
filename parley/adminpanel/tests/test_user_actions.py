"""Deactivate, reactivate, delete and change role from a user's page; seat and admin rules hold."""

from django.urls import reverse

from parley.accounts import services
from parley.accounts.models import Role, Status, User


def _post(client, action, user, data=None):
    url = reverse(f"adminpanel:{action}", kwargs={"public_id": user.public_id})
    return client.post(url, data or {}, follow=True)


def _text(response) -> str:
    return response.content.decode()


def test_deactivating_frees_a_seat_and_says_so(admin_client, make_user):
    user = make_user(email="leaving@example.com")
    response = _post(admin_client, "deactivate", user)
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED
    assert "leaving@example.com was deactivated." in _text(response)
    assert services.seat_usage().used == 1


def test_reactivating_takes_a_seat_when_one_is_free(admin_client, make_user):
    user = make_user()
    services.deactivate_user(user=user)
    response = _post(admin_client, "reactivate", user)
    user.refresh_from_db()
    assert user.status == Status.ACTIVE
    assert "is active again" in _text(response)


def test_reactivating_without_a_free_seat_shows_an_error_and_changes_nothing(
    admin_client, make_user
):
    user = make_user()
    services.deactivate_user(user=user)
    services.set_seat_limit(limit=1)
    response = _post(admin_client, "reactivate", user)
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED
    assert "No seat is free (1 of 1 in use), so nothing was changed." in _text(response)


def test_deleting_a_user_removes_them_and_returns_to_the_list(admin_client, make_user):
    user = make_user(email="gone@example.com")
    response = _post(admin_client, "delete", user)
    assert not User.objects.filter(pk=user.pk).exists()
    assert response.redirect_chain[-1][0] == reverse("adminpanel:users")
    assert "gone@example.com was deleted." in _text(response)


def test_delete_button_asks_for_confirmation(admin_client, make_user):
    user = make_user()
    html = _text(admin_client.get(reverse("adminpanel:user", kwargs={"public_id": user.public_id})))
    assert 'data-confirm="Delete' in html


def test_making_a_member_admin_and_back(admin_client, make_user):
    user = make_user()
    response = _post(admin_client, "role", user, {"role": "admin"})
    user.refresh_from_db()
    assert user.role == Role.ADMIN
    assert "is now Admin" in _text(response)
    _post(admin_client, "role", user, {"role": "member"})
    user.refresh_from_db()
    assert user.role == Role.MEMBER


def test_unknown_role_shows_an_error_and_changes_nothing(admin_client, make_user):
    user = make_user()
    response = _post(admin_client, "role", user, {"role": "overlord"})
    user.refresh_from_db()
    assert user.role == Role.MEMBER
    assert "Unknown role." in _text(response)


def test_the_last_owner_cannot_be_made_a_member(admin_client, admin_user):
    response = _post(admin_client, "role", admin_user, {"role": "member"})
    admin_user.refresh_from_db()
    assert admin_user.role == Role.OWNER
    assert "This is the last active owner" in _text(response)


def test_the_last_owner_cannot_be_deactivated_or_deleted(admin_client, admin_user):
    assert "This is the last active owner" in _text(_post(admin_client, "deactivate", admin_user))
    assert "This is the last active owner" in _text(_post(admin_client, "delete", admin_user))
    admin_user.refresh_from_db()
    assert admin_user.status == Status.ACTIVE


def test_an_admin_can_be_demoted_while_another_admin_remains(admin_client, make_user):
    other = make_user(role=Role.ADMIN)
    _post(admin_client, "role", other, {"role": "member"})
    other.refresh_from_db()
    assert other.role == Role.MEMBER
