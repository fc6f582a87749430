"""Groups from the token: sync or add on every login (URL, widget/API), memberships an admin
set survive, unknown names ignored or created, every change audited, malformed claims
refused with nothing changed, and the tester predicting the changes."""

import pytest
from django.urls import reverse

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.external_auth import services
from parley.groups import services as groups
from parley.groups.models import Group, Membership, Source

from .factories import last_event


@pytest.fixture
def groups_on(secret):
    def turn_on(**policy):
        services.update_policy(groups_from_token=True, **policy)

    turn_on()
    return turn_on


def login(client, code, groups_claim, user_id="crm-7"):
    client.logout()
    token = code(
        {"user": {"id": user_id, "email": f"{user_id}@example.com", "groups": groups_claim}}
    )
    return client.get(f"/?externalAuthCode={token}")


def memberships(user_id="crm-7"):
    found = Membership.objects.filter(user__public_id=user_id).select_related("group")
    return {(m.group.name, m.source) for m in found}


def test_sync_makes_the_token_memberships_exactly_the_list(client, code, groups_on):
    groups.create_group(by="test", name="Sales")
    groups.create_group(by="test", name="Support")
    assert login(client, code, ["sales", "Support"]).status_code == 303
    assert memberships() == {("Sales", Source.TOKEN), ("Support", Source.TOKEN)}
    assert "groups +Sales +Support" in last_event().detail
    login(client, code, ["Sales"])
    assert memberships() == {("Sales", Source.TOKEN)}
    assert last_event().detail.endswith("groups -Support")
    login(client, code, [])
    assert memberships() == set()


def test_add_mode_only_ever_adds(client, code, groups_on):
    groups_on(groups_mode="add")
    groups.create_group(by="test", name="Sales")
    groups.create_group(by="test", name="Support")
    login(client, code, ["Sales"])
    login(client, code, ["Support"])
    login(client, code, [])
    assert memberships() == {("Sales", Source.TOKEN), ("Support", Source.TOKEN)}


def test_a_membership_an_admin_set_survives_sync_and_stays_manual(client, code, groups_on):
    sales, vip = (
        groups.create_group(by="test", name="Sales"),
        groups.create_group(by="test", name="VIP"),
    )
    login(client, code, [])
    user = User.objects.get(public_id="crm-7")
    groups.add_member(by="test", group=vip, user=user)
    groups.add_member(by="test", group=sales, user=user)
    login(client, code, ["Sales"])  # names a manual membership: not downgraded to token
    login(client, code, [])
    assert memberships() == {("Sales", Source.MANUAL), ("VIP", Source.MANUAL)}
    assert "groups" not in last_event().detail  # nothing changed, nothing to audit


def test_scim_memberships_are_never_removed_by_a_token(client, code, groups_on):
    login(client, code, [])
    group = groups.create_group(by="test", name="Eng")
    groups.add_member(
        by="test", group=group, user=User.objects.get(public_id="crm-7"), source=Source.SCIM
    )
    login(client, code, [])
    assert memberships() == {("Eng", Source.SCIM)}


def test_unknown_names_are_ignored_by_default_and_audited(client, code, groups_on):
    login(client, code, ["Sales", "Nope"])
    assert not Group.objects.exists() and memberships() == set()
    assert "unknown, ignored: Sales, Nope" in last_event().detail


def test_unknown_names_create_the_group_when_the_admin_chose_so(client, code, groups_on):
    groups_on(unknown_groups="create")
    groups.create_group(by="test", name="Sales")
    login(client, code, ["SALES", "Partners"])
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Partners", "Sales"]
    assert memberships() == {("Sales", Source.TOKEN), ("Partners", Source.TOKEN)}
    assert "groups +Sales +Partners (created Partners)" in last_event().detail


def test_the_token_is_ignored_while_the_setting_is_off(client, code, secret):
    groups.create_group(by="test", name="Sales")
    login(client, code, ["Sales"])
    login(client, code, "not even a list")
    assert memberships() == set()
    assert last_event().outcome == "success"


def test_a_code_without_the_claim_changes_no_membership(client, code, groups_on):
    groups.create_group(by="test", name="Sales")
    login(client, code, ["Sales"])
    client.logout()
    client.get(f"/?externalAuthCode={code({'user': {'id': 'crm-7'}})}")
    assert memberships() == {("Sales", Source.TOKEN)}


def test_a_custom_dotted_or_namespaced_claim(client, code, groups_on):
    groups.create_group(by="test", name="Sales")
    groups_on(groups_claim="https://crm.example.com/groups")
    client.get(
        "/?externalAuthCode="
        + code({"user": {"id": "crm-7"}, "https://crm.example.com/groups": ["Sales"]})
    )
    assert memberships() == {("Sales", Source.TOKEN)}


def test_the_api_exchange_applies_the_groups_too(anonymous_api, code, groups_on):
    groups.create_group(by="test", name="Sales")
    token = code({"user": {"id": "crm-7", "groups": ["Sales"]}})
    response = anonymous_api.post("/api/v1/auth/external", {"externalAuthCode": token})
    assert response.status_code == 200, response.content
    assert response.json()["user"]["groups"] == ["Sales"]


@pytest.mark.parametrize(
    "claim,reason",
    [
        ("Sales", "user.groups 'Sales' is a string, not a list of strings"),
        (None, "user.groups None is null, not a list of strings"),
        (["Sales", 7], "user.groups[1] 7 is an integer, not a string"),
        ([f"g{i}" for i in range(101)], "user.groups has 101 groups, more than 100"),
        (["x" * 101], "user.groups[0] 'xxxxxxxx"),
        (["Sa\u200bles"], "user.groups[0] 'Sa\\u200bles' contains the invisible"),
        (["  "], "user.groups[0] is empty"),
    ],
)
def test_a_malformed_claim_is_refused_with_the_reason_and_changes_nothing(
    client, code, groups_on, claim, reason
):
    groups_on(unknown_groups="create")
    response = login(client, code, claim)
    assert response.status_code == 401
    event = last_event()
    assert (event.outcome, event.reason) == ("failure", "invalid_claims")
    assert reason in event.detail
    assert not User.objects.exists() and not Group.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_refused_login_changes_no_membership(client, code, groups_on):
    groups.create_group(by="test", name="Sales")
    login(client, code, ["Sales"])
    User.objects.filter(public_id="crm-7").update(status="deactivated")
    login(client, code, [])
    assert last_event().reason == "user_deactivated"
    assert memberships() == {("Sales", Source.TOKEN)}


def test_the_tester_predicts_the_group_changes_and_changes_nothing(admin_client, code, groups_on):
    groups_on(unknown_groups="create")
    groups.create_group(by="test", name="Sales")
    groups.create_group(by="test", name="Support")
    login(admin_client, code, ["Support"])
    groups.add_member(
        by="test",
        group=groups.create_group(by="test", name="VIP"),
        user=User.objects.get(public_id="crm-7"),
    )
    admin_client.force_login(User.objects.get(email="admin@example.com"))
    events = AuthEvent.objects.count()
    token = code({"user": {"id": "crm-7", "groups": ["Sales", "Partners"]}})
    html = admin_client.post(reverse("adminpanel:tester"), {"code": token}).content.decode()
    assert "Groups: would join Sales, Partners." in html
    assert "Groups: would create Partners (unknown until now)." in html
    assert "Groups: would leave Support." in html
    assert "Groups: stays in VIP (set by an admin or SCIM" in html
    assert memberships() == {("Support", Source.TOKEN), ("VIP", Source.MANUAL)}
    assert not Group.objects.filter(name="Partners").exists()
    assert AuthEvent.objects.count() == events


def test_the_tester_shows_a_malformed_claim_as_the_failed_identity_check(
    admin_client, code, groups_on
):
    token = code({"user": {"id": "crm-7", "groups": "Sales"}})
    html = admin_client.post(reverse("adminpanel:tester"), {"code": token}).content.decode()
    assert "invalid_claims" in html and "not a list of strings" in html
