"""/api/v1/groups: CRUD and membership with stable error codes; users carry their groups."""

from urllib.parse import quote

from parley.groups import services
from parley.groups.models import Group, Membership, Source

from .conftest import assert_json_error


def test_create_get_list_rename_and_delete_a_group(api, make_user):
    created = api.post("/api/v1/groups", {"name": " Sales ", "description": "EMEA"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("name", "description", "member_count")} == {
        "name": "Sales",
        "description": "EMEA",
        "member_count": 0,
    }
    url = f"/api/v1/groups/{body['id']}"
    services.add_member(by="test", group=Group.objects.get(), user=make_user())
    assert api.get(url).json()["member_count"] == 1
    listed = api.get("/api/v1/groups", {"q": "sal"}).json()
    assert (listed["total"], [g["name"] for g in listed["items"]]) == (1, ["Sales"])
    renamed = api.patch(url, {"name": "Sales EMEA"})
    assert renamed.json()["name"] == "Sales EMEA" and renamed.json()["description"] == "EMEA"
    assert api.delete(url).status_code == 204
    assert not Group.objects.exists() and not Membership.objects.exists()
    assert_json_error(api.get(url), 404, "not_found")


def test_a_name_taken_in_any_case_is_409_group_name_taken(api):
    services.create_group(by="test", name="Sales")
    assert_json_error(api.post("/api/v1/groups", {"name": "SALES"}), 409, "group_name_taken")
    other = services.create_group(by="test", name="Support")
    response = api.patch(f"/api/v1/groups/{other.pk}", {"name": "sales"})
    assert_json_error(response, 409, "group_name_taken")


def test_an_invalid_name_is_422_naming_the_field(api):
    body = assert_json_error(
        api.post("/api/v1/groups", {"name": "a\u200bb"}), 422, "validation_failed"
    )
    assert body["errors"][0]["loc"][-1] == "name"
    assert "U+200B" in body["message"]
    assert not Group.objects.exists()


def test_put_and_delete_a_member(api, make_user):
    group = services.create_group(by="test", name="Sales")
    ann = make_user(public_id="crm/42")
    url = f"/api/v1/groups/{group.pk}/members/{quote(ann.public_id, safe='')}"
    response = api.put(url, {})
    assert response.status_code == 200, response.content
    assert response.json()["source"] == "manual" and response.json()["user"]["id"] == "crm/42"
    assert api.put(url, {}).status_code == 200  # idempotent
    assert Membership.objects.get().source == Source.MANUAL
    assert api.delete(url).status_code == 204
    assert_json_error(api.delete(url), 404, "not_found")


def test_put_turns_a_token_membership_into_a_manual_one(api, make_user):
    group = services.create_group(by="test", name="Sales")
    ann = make_user()
    services.add_member(by="test", group=group, user=ann, source=Source.TOKEN)
    api.put(f"/api/v1/groups/{group.pk}/members/{ann.public_id}", {})
    assert Membership.objects.get().source == Source.MANUAL


def test_unknown_group_or_user_is_404(api, make_user):
    group = services.create_group(by="test", name="Sales")
    assert_json_error(api.put(f"/api/v1/groups/{group.pk}/members/nobody", {}), 404, "not_found")
    user = make_user()
    assert_json_error(api.put(f"/api/v1/groups/999/members/{user.public_id}", {}), 404, "not_found")


def test_users_carry_their_group_names(api, make_user):
    ann = make_user()
    services.add_member(by="test", group=services.create_group(by="test", name="Support"), user=ann)
    services.add_member(
        by="test",
        group=services.create_group(by="test", name="beta"),
        user=ann,
        source=Source.TOKEN,
    )
    make_user()
    assert api.get(f"/api/v1/users/{ann.public_id}").json()["groups"] == ["beta", "Support"]
    listed = {u["id"]: u["groups"] for u in api.get("/api/v1/users").json()["items"]}
    assert listed[ann.public_id] == ["beta", "Support"]
    assert sorted(listed.values()) == [[], ["beta", "Support"]]


def test_groups_need_an_admin_key(anonymous_api):
    assert_json_error(anonymous_api.get("/api/v1/groups"), 401, "unauthorized")
    assert_json_error(anonymous_api.post("/api/v1/groups", {"name": "x"}), 401, "unauthorized")
    assert not Group.objects.exists()


def test_the_apis_group_changes_are_audited_with_the_key(api, make_user):
    ann = make_user()
    group_id = api.post("/api/v1/groups", {"name": "Sales"}).json()["id"]
    api.put(f"/api/v1/groups/{group_id}/members/{ann.public_id}", {})
    api.delete(f"/api/v1/groups/{group_id}")

    assert [(reason, actor) for reason, actor, _, _ in _admin_changes()] == [
        ("group_created", "API key “Back office”"),
        ("group_member_added", "API key “Back office”"),
        ("group_deleted", "API key “Back office”"),
    ]


def _admin_changes():
    from parley.audit.models import AuthEvent, Method

    events = AuthEvent.objects.filter(method=Method.ADMIN).order_by("id")
    return [(e.reason, e.actor, e.public_user_id, e.detail) for e in events]
