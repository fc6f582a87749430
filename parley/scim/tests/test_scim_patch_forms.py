"""PATCH as Okta and Microsoft Entra ID send it: path-less value objects, `active: false`
(Entra's as the string "False"), dotted and filtered paths, enterprise attributes Parley
does not keep, and member add and remove in both their forms."""

from parley.accounts.models import Status, User
from parley.groups.models import Membership, Source


def _user(scim, **attributes):
    created = scim.create_user("ann@example.com", externalId="emp-1", **attributes)
    return created["id"], User.objects.get(pk=created["id"])


def test_okta_deactivates_with_a_path_less_value_object_that_repeats_the_id(scim):
    scim_id, user = _user(scim)
    response = scim.patch(
        f"Users/{scim_id}", {"op": "replace", "value": {"id": scim_id, "active": False}}
    )
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED


def test_okta_reactivates_the_same_way(scim):
    scim_id, user = _user(scim, active=False)
    response = scim.patch(f"Users/{scim_id}", {"op": "replace", "value": {"active": True}})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.status == Status.ACTIVE


def test_entra_deactivates_with_a_capitalised_op_and_the_string_false(scim):
    scim_id, user = _user(scim)
    response = scim.patch(f"Users/{scim_id}", {"op": "Replace", "path": "active", "value": "False"})
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED


def test_entra_updates_names_and_the_work_email_by_path(scim):
    scim_id, user = _user(
        scim,
        displayName="Ann",
        emails=[{"value": "ann@example.com", "type": "work", "primary": True}],
    )
    response = scim.patch(
        f"Users/{scim_id}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ann.lee@example.com"},
        {"op": "Replace", "path": "displayName", "value": "Ann Lee"},
        {"op": "Add", "path": "name.givenName", "value": "Ann"},
        {"op": "Replace", "path": "externalId", "value": "emp-2"},
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.email, user.name, user.public_id) == ("ann.lee@example.com", "Ann Lee", "emp-2")
    assert response.json()["id"] == scim_id  # the SCIM id stays when the public id changes


def test_entra_enterprise_attributes_are_accepted_and_not_kept(scim):
    scim_id, user = _user(scim)
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    response = scim.patch(
        f"Users/{scim_id}",
        {"op": "Add", "path": f"{enterprise}:department", "value": "Sales"},
        {"op": "Add", "path": "title", "value": "Engineer"},
    )
    assert response.status_code == 200, response.content
    assert "title" not in response.json() and enterprise not in response.json()


def test_a_path_less_replace_with_dotted_keys_changes_each_one(scim):
    scim_id, user = _user(scim, name={"givenName": "Ann", "familyName": "Lee"})
    response = scim.patch(
        f"Users/{scim_id}", {"op": "replace", "value": {"name.familyName": "Berg"}}
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.name == "Ann Berg"


def test_a_patch_that_fails_part_way_changes_nothing(scim, make_user):
    make_user(email="taken@example.com")
    scim_id, user = _user(scim, displayName="Ann")
    response = scim.patch(
        f"Users/{scim_id}",
        {"op": "replace", "path": "displayName", "value": "Renamed"},
        {
            "op": "replace",
            "path": "emails",
            "value": [{"value": "taken@example.com", "primary": True}],
        },
    )
    assert response.status_code == 409
    user.refresh_from_db()
    assert user.name == "Ann" and user.email == "ann@example.com"


def test_an_unknown_attribute_or_op_is_a_scim_400(scim):
    scim_id, _ = _user(scim)
    for operation in (
        {"op": "replace", "path": "nosuch", "value": 1},
        {"op": "move", "path": "displayName", "value": "x"},
    ):
        response = scim.patch(f"Users/{scim_id}", operation)
        assert response.status_code == 400, response.content
        assert response.json()["scimType"] in ("invalidPath", "invalidValue", "invalidSyntax")


def _members(group_id):
    return {(m.user_id, m.source) for m in Membership.objects.filter(group_id=group_id)}


def test_okta_adds_members_and_removes_them_by_filtered_path(scim):
    ann = scim.create_user("ann@example.com")["id"]
    bob = scim.create_user("bob@example.com")["id"]
    group = scim.create_group("Sales")["id"]
    response = scim.patch(
        f"Groups/{group}",
        {
            "op": "add",
            "path": "members",
            "value": [{"value": ann, "display": "ann"}, {"value": bob}],
        },
    )
    assert response.status_code == 200, response.content
    assert _members(group) == {(int(ann), Source.SCIM), (int(bob), Source.SCIM)}
    response = scim.patch(f"Groups/{group}", {"op": "remove", "path": f'members[value eq "{ann}"]'})
    assert response.status_code == 200, response.content
    assert _members(group) == {(int(bob), Source.SCIM)}


def test_entra_adds_and_removes_members_with_value_lists(scim):
    ann = scim.create_user("ann@example.com")["id"]
    bob = scim.create_user("bob@example.com")["id"]
    group = scim.create_group("Sales", ann)["id"]
    response = scim.patch(
        f"Groups/{group}",
        {"op": "Add", "path": "members", "value": [{"value": bob}]},
        {"op": "Remove", "path": "members", "value": [{"value": ann}]},
    )
    assert response.status_code == 200, response.content
    assert _members(group) == {(int(bob), Source.SCIM)}


def test_okta_renames_a_group_with_a_path_less_value(scim):
    group = scim.create_group("Sales")["id"]
    response = scim.patch(
        f"Groups/{group}", {"op": "replace", "value": {"id": group, "displayName": "Sales EU"}}
    )
    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "Sales EU"


def test_adding_someone_who_is_no_user_is_refused_and_changes_nothing(scim):
    ann = scim.create_user("ann@example.com")["id"]
    group = scim.create_group("Sales")["id"]
    response = scim.patch(
        f"Groups/{group}",
        {"op": "add", "path": "members", "value": [{"value": ann}, {"value": "999"}]},
    )
    assert response.status_code == 400
    assert "999" in response.json()["detail"]
    assert _members(group) == set()
