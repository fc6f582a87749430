"""Who may change whom, through the admin panel: owners make owners, admins cannot, nobody
acts on someone who outranks them, and the pages show each role only what it may do."""

import pytest
from django.urls import reverse

from parley.accounts.models import Role, Status, User
from parley.api import keys
from parley.external_auth import services as jwt_services


def _post(client, action, user, data=None):
    url = reverse(f"adminpanel:{action}", kwargs={"public_id": user.public_id})
    return client.post(url, data or {}, follow=True).content.decode()


def _role(user) -> str:
    return User.objects.get(pk=user.pk).role


def test_an_owner_makes_another_owner(admin_client, make_user):
    other = make_user()
    _post(admin_client, "role", other, {"role": "owner"})
    assert _role(other) == Role.OWNER


def test_a_role_change_is_audited_with_who_made_it_and_a_refused_one_is_not(
    admin_client, admin_user, client_as, make_user
):
    from parley.audit.models import AuthEvent, Method

    other = make_user()
    _post(admin_client, "role", other, {"role": "admin"})
    _post(client_as(Role.ADMIN), "role", other, {"role": "owner"})  # refused

    changes = AuthEvent.objects.filter(method=Method.ADMIN)
    assert [(e.reason, e.actor, e.public_user_id, e.detail) for e in changes] == [
        ("role_changed", f"user {admin_user.public_id}", other.public_id, "member → admin")
    ]


def test_an_admin_cannot_make_an_owner_and_is_told_why(client_as, make_user):
    other = make_user()
    html = _post(client_as(Role.ADMIN), "role", other, {"role": "owner"})
    assert _role(other) == Role.MEMBER
    assert "Only an owner can make someone an owner." in html


def test_an_admin_cannot_make_themselves_owner(client_as):
    client = client_as(Role.ADMIN)
    _post(client, "role", client.user, {"role": "owner"})
    assert _role(client.user) == Role.ADMIN


@pytest.mark.parametrize(
    ("action", "data"),
    [("role", {"role": "member"}), ("deactivate", None), ("delete", None), ("login_link", None)],
)
def test_an_admin_cannot_touch_an_owner(client_as, admin_user, make_user, action, data):
    make_user(role=Role.OWNER)  # not the last owner: only the role rule can refuse
    html = _post(client_as(Role.ADMIN), action, admin_user, data)
    assert "they have a higher role" in html
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.status) == (Role.OWNER, Status.ACTIVE)
    assert "/login/link/" not in html


@pytest.mark.parametrize("action", ["deactivate", "delete", "login_link"])
def test_a_user_manager_cannot_act_on_an_admin(client_as, make_user, action):
    admin = make_user(role=Role.ADMIN)
    html = _post(client_as(Role.USER_MANAGER), action, admin)
    assert "they have a higher role" in html
    assert User.objects.get(pk=admin.pk).status == Status.ACTIVE
    assert "/login/link/" not in html


def test_a_user_manager_manages_members_but_not_roles(client_as, make_user):
    member = make_user()
    client = client_as(Role.USER_MANAGER)
    url = reverse("adminpanel:role", kwargs={"public_id": member.public_id})
    assert client.post(url, {"role": "admin"}).status_code == 403
    assert _role(member) == Role.MEMBER
    _post(client, "deactivate", member)
    assert User.objects.get(pk=member.pk).status == Status.DEACTIVATED


def test_a_user_manager_can_add_members_only(client_as):
    client = client_as(Role.USER_MANAGER)
    page = client.get(reverse("adminpanel:user_create")).content.decode()
    assert 'value="member"' in page and 'value="admin"' not in page
    client.post(reverse("adminpanel:user_create"), {"email": "boss@example.com", "role": "admin"})
    assert not User.objects.filter(email="boss@example.com").exists()


def test_the_detail_page_shows_the_role_and_offers_only_roles_one_may_give(client_as, make_user):
    subject = make_user(role=Role.AUDITOR)
    html = client_as(Role.ADMIN).get(reverse("adminpanel:user", args=[subject.public_id]))
    html = html.content.decode()
    assert 'data-testid="role-badge">Auditor<' in html
    assert '<option value="admin"' in html and '<option value="owner"' not in html


def test_an_auditor_sees_a_user_read_only(client_as, make_user):
    subject = make_user()
    html = client_as(Role.AUDITOR).get(reverse("adminpanel:user", args=[subject.public_id]))
    html = html.content.decode()
    assert subject.email in html
    assert "Actions" not in html and "Delete user" not in html


def test_only_an_owner_sees_the_secret_controls_and_the_token_role_switches(
    client_as, admin_client, secret
):
    owner_page = admin_client.get(reverse("adminpanel:jwt")).content.decode()
    assert reverse("adminpanel:jwt_reveal") in owner_page
    assert reverse("adminpanel:jwt_token_roles") in owner_page
    assert 'name="admins_may_use_jwt"' in owner_page
    admin_page = client_as(Role.ADMIN).get(reverse("adminpanel:jwt")).content.decode()
    assert reverse("adminpanel:jwt_reveal") not in admin_page
    assert reverse("adminpanel:jwt_token_roles") not in admin_page
    assert 'name="admins_may_use_jwt"' not in admin_page
    assert secret not in admin_page and secret[:4] not in admin_page


def test_an_admin_saving_the_policy_keeps_the_owners_choice_on_admin_jwt_logins(
    client_as, admin_client
):
    jwt_services.update_policy(admins_may_use_jwt=True)
    form = admin_client.get(reverse("adminpanel:jwt")).context["policy_form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.pop("admins_may_use_jwt")  # an admin's form has no such box: absent means "off"
    response = client_as(Role.ADMIN).post(reverse("adminpanel:jwt_policy"), data)
    assert response.status_code == 302
    assert jwt_services.get_jwt_settings().admins_may_use_jwt is True


def test_an_owner_turns_on_roles_from_the_token_but_never_owner(admin_client):
    url = reverse("adminpanel:jwt_token_roles")
    data = {"enabled": "on", "claim": "app.role", "allowed": ["member", "auditor"]}
    assert admin_client.post(url, data).status_code == 302
    row = jwt_services.get_jwt_settings()
    assert (row.roles_from_token, row.roles_claim) == (True, "app.role")
    assert row.token_roles_allowed == ["auditor", "member"]
    refused = admin_client.post(url, {**data, "allowed": ["owner"]})
    assert refused.status_code == 200
    assert jwt_services.get_jwt_settings().token_roles_allowed == ["auditor", "member"]


def test_an_api_key_has_at_most_its_creators_role(client_as):
    client = client_as(Role.ADMIN)
    page = client.get(reverse("adminpanel:apikeys")).content.decode()
    assert '<option value="admin"' in page and '<option value="owner"' not in page
    response = client.post(reverse("adminpanel:apikeys"), {"name": "Sneaky", "role": "owner"})
    assert "A key cannot have a higher role than yours." in response.content.decode()
    client.post(reverse("adminpanel:apikeys"), {"name": "Audit feed", "role": "auditor"})
    assert keys.list_api_keys().get().role == Role.AUDITOR


def test_an_admin_cannot_revoke_an_owner_key(client_as):
    key, _ = keys.create_api_key(name="Owner's", role=Role.OWNER, acting_role=Role.OWNER)
    client = client_as(Role.ADMIN)
    client.post(reverse("adminpanel:apikey_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is None
