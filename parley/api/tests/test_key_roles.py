"""API keys carry a role: each key role against each admin route, through HTTP, and the
same who-may-change-whom rules as the admin panel."""

import pytest

from parley.accounts.models import Role, User
from parley.api.api import api as ninja_api
from parley.groups import services as groups

from .conftest import ApiClient, assert_json_error

_ADMIN = {"view_users", "manage_users", "manage_seats", "view_audit", "manage_groups"}
MAY = {
    Role.OWNER: _ADMIN | {"manage_branding"},
    Role.ADMIN: _ADMIN | {"manage_branding"},
    Role.USER_MANAGER: {"view_users", "manage_users", "manage_seats", "manage_groups"},
    Role.AUDITOR: {"view_users", "view_audit"},
}
# (method, path, body, capability); {id} is a member's public id.
ROUTES = [
    ("get", "/api/v1/users", None, "view_users"),
    ("post", "/api/v1/users", {"email": "new@example.com"}, "manage_users"),
    ("get", "/api/v1/users/by-email?email=subject@example.com", None, "view_users"),
    ("get", "/api/v1/users/{id}", None, "view_users"),
    ("patch", "/api/v1/users/{id}", {"metadata": {"team": "a"}}, "manage_users"),
    ("delete", "/api/v1/users/{id}", None, "manage_users"),
    ("get", "/api/v1/seats", None, "view_users"),
    ("put", "/api/v1/seats", {"limit": 50}, "manage_seats"),
    ("get", "/api/v1/audit-events", None, "view_audit"),
    ("post", "/api/v1/login-links", {"user_id": "{id}"}, "manage_users"),
    ("get", "/api/v1/groups", None, "manage_groups"),
    ("post", "/api/v1/groups", {"name": "Sales"}, "manage_groups"),
    ("get", "/api/v1/groups/{group_id}", None, "manage_groups"),
    ("patch", "/api/v1/groups/{group_id}", {"description": "x"}, "manage_groups"),
    ("delete", "/api/v1/groups/{group_id}", None, "manage_groups"),
    ("put", "/api/v1/groups/{group_id}/members/{id}", {}, "manage_groups"),
    ("delete", "/api/v1/groups/{group_id}/members/{id}", None, "manage_groups"),
    ("get", "/api/v1/branding", None, "manage_branding"),
    ("patch", "/api/v1/branding", {"name": "Acme"}, "manage_branding"),
]
# Routes that take a user's token or none, not an admin key.
NOT_ADMIN = {
    ("post", "/api/v1/auth/external"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/auth/logout"),
}


@pytest.fixture
def api_as(client, make_api_key):
    def make(role):
        _, secret = make_api_key(role=role)
        return ApiClient(client, secret)

    return make


def _call(api, method, path, body, subject):
    if "{group_id}" in path:
        group = groups.create_group(by="test", name="Team")
        if method == "delete" and "/members/" in path:
            groups.add_member(by="test", group=group, user=subject)
        path = path.replace("{group_id}", str(group.pk))
    path = path.replace("{id}", subject.public_id)
    if body is not None:
        body = {k: subject.public_id if v == "{id}" else v for k, v in body.items()}
        return getattr(api, method)(path, body)
    return getattr(api, method)(path)


def test_every_admin_route_of_the_api_is_in_the_table():
    paths = ninja_api.get_openapi_schema()["paths"]
    declared = {
        (method, path.replace("{user_id}", "{id}"))
        for path, operations in paths.items()
        for method in operations
    } - NOT_ADMIN
    assert declared == {(method, path.split("?")[0]) for method, path, _, _ in ROUTES}


@pytest.mark.parametrize("role", list(MAY))
@pytest.mark.parametrize(("method", "path", "body", "capability"), ROUTES)
def test_each_key_role_reaches_exactly_the_routes_its_capabilities_allow(
    api_as, make_user, role, method, path, body, capability
):
    subject = make_user(email="subject@example.com")
    response = _call(api_as(role), method, path, body, subject)
    if capability in MAY[role]:
        assert response.status_code in (200, 201, 204), response.content
    else:
        assert_json_error(response, 403, "role_forbidden")
        assert User.objects.filter(pk=subject.pk, metadata={}).exists()


def test_an_admin_key_cannot_make_an_owner_or_touch_one(api_as, admin_user, make_user):
    api = api_as(Role.ADMIN)
    member = make_user()
    assert_json_error(
        api.patch(f"/api/v1/users/{member.public_id}", {"role": "owner"}), 403, "role_forbidden"
    )
    assert_json_error(
        api.post("/api/v1/users", {"email": "o@example.com", "role": "owner"}),
        403,
        "role_forbidden",
    )
    make_user(role=Role.OWNER)  # not the last owner: only the role rule refuses
    url = f"/api/v1/users/{admin_user.public_id}"
    assert_json_error(api.patch(url, {"status": "deactivated"}), 403, "role_forbidden")
    assert_json_error(api.delete(url), 403, "role_forbidden")
    body = {"user_id": admin_user.public_id}
    assert_json_error(api.post("/api/v1/login-links", body), 403, "role_forbidden")
    assert User.objects.get(pk=admin_user.pk).role == Role.OWNER
    assert User.objects.filter(role=Role.OWNER).count() == 2


def test_an_admin_key_gives_roles_below_owner(api_as, make_user):
    member = make_user()
    response = api_as(Role.ADMIN).patch(f"/api/v1/users/{member.public_id}", {"role": "auditor"})
    assert response.status_code == 200
    assert response.json()["role"] == "auditor"


def test_a_user_manager_key_cannot_change_roles(api_as, make_user):
    member = make_user()
    response = api_as(Role.USER_MANAGER).patch(
        f"/api/v1/users/{member.public_id}", {"role": "auditor"}
    )
    assert_json_error(response, 403, "role_forbidden")
    assert User.objects.get(pk=member.pk).role == Role.MEMBER
