"""SCIM Groups are Parley's groups, and the memberships SCIM sets are the identity
provider's: a JWT login that syncs groups from its token never removes them."""

from parley.external_auth import services as external_auth
from parley.groups import services as groups
from parley.groups.models import Group, Membership, Source
from parley.scim.models import ScimGroup

from .conftest import GROUP_SCHEMA


def _login(client, mint, groups_claim):
    client.logout()
    token = mint({"user": {"id": "emp-1", "email": "ann@example.com", "groups": groups_claim}})
    assert client.get(f"/?externalAuthCode={token}").status_code == 303


def _memberships():
    return {(m.group.name, m.source) for m in Membership.objects.select_related("group")}


def test_a_scim_membership_survives_a_jwt_login_that_syncs_groups(scim, client, mint):
    external_auth.update_policy(groups_from_token=True)
    groups.create_group(name="Support", by="test")
    ann = scim.create_user("ann@example.com", externalId="emp-1")["id"]
    scim.create_group("Sales", ann)
    _login(client, mint, ["Support"])
    assert _memberships() == {("Sales", Source.SCIM), ("Support", Source.TOKEN)}
    _login(client, mint, [])
    assert _memberships() == {("Sales", Source.SCIM)}


def test_scim_takes_over_a_membership_a_token_made_so_later_logins_keep_it(scim, client, mint):
    external_auth.update_policy(groups_from_token=True)
    ann = scim.create_user("ann@example.com", externalId="emp-1")["id"]
    group = groups.create_group(name="Sales", by="test")
    _login(client, mint, ["Sales"])
    assert _memberships() == {("Sales", Source.TOKEN)}
    response = scim.patch(
        f"Groups/{group.pk}", {"op": "add", "path": "members", "value": [{"value": ann}]}
    )
    assert response.status_code == 200, response.content
    _login(client, mint, [])
    assert _memberships() == {("Sales", Source.SCIM)}


def test_groups_are_created_renamed_listed_and_deleted(scim):
    ann = scim.create_user("ann@example.com")["id"]
    created = scim.create_group("Sales", ann)
    group = Group.objects.get()
    assert (group.name, created["id"]) == ("Sales", str(group.pk))
    assert [m["value"] for m in created["members"]] == [ann]
    assert scim.get(f"Users/{ann}").json()["groups"][0]["display"] == "Sales"
    replaced = scim.put(
        f"Groups/{group.pk}",
        {"schemas": [GROUP_SCHEMA], "displayName": "Sales EU", "externalId": "okta-g1"},
    )
    assert replaced.status_code == 200, replaced.content
    assert "members" not in replaced.json()
    assert ScimGroup.objects.get().external_id == "okta-g1"
    found = scim.get('Groups?filter=displayName eq "sales eu"').json()
    assert [r["id"] for r in found["Resources"]] == [str(group.pk)]
    assert scim.get('Groups?filter=externalId eq "okta-g1"').json()["totalResults"] == 1
    assert scim.delete(f"Groups/{group.pk}").status_code == 204
    assert not Group.objects.exists()


def test_a_taken_group_name_is_a_uniqueness_error(scim):
    groups.create_group(name="Sales", by="test")
    response = scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "SALES"})
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert Group.objects.count() == 1


def test_a_group_put_makes_the_members_exactly_those_named(scim):
    ann = scim.create_user("ann@example.com")["id"]
    bob = scim.create_user("bob@example.com")["id"]
    group = scim.create_group("Sales", ann)["id"]
    response = scim.put(
        f"Groups/{group}",
        {"schemas": [GROUP_SCHEMA], "displayName": "Sales", "members": [{"value": bob}]},
    )
    assert response.status_code == 200
    assert [m["value"] for m in response.json()["members"]] == [bob]


def test_groups_are_found_by_member_and_odd_ids_find_nothing(scim):
    ann = scim.create_user("ann@example.com")["id"]
    group = scim.create_group("Sales", ann)["id"]
    scim.create_group("Support")
    found = scim.get(f'Groups?filter=members[value eq "{ann}"]').json()
    assert [r["id"] for r in found["Resources"]] == [group]
    for odd in ("abc", "9" * 40, "١٢"):
        assert scim.get(f'Groups?filter=members eq "{odd}"').json()["totalResults"] == 0
        assert scim.get(f"Groups/{odd}").status_code == 404
        assert scim.get(f"Users/{odd}").status_code == 404
    assert scim.get('Groups?filter=members co "1"').json()["scimType"] == "invalidFilter"
