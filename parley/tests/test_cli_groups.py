"""`parley groups …` and the groups in `parley users list --json`."""

import json

from parley.groups import services
from parley.groups.models import Group, Membership, Source
from parley.tests.serving import assert_one_line_error
from parley.tests.test_cli import run


def test_create_list_and_delete_groups(db, capsys, make_user):
    assert run(capsys, "groups", "create", "Sales", "--description", "EMEA")[:2] == (
        0,
        "Created the group Sales.\n",
    )
    run(capsys, "groups", "create", "support")
    services.add_member(by="test", group=Group.objects.get(name="Sales"), user=make_user())
    code, out, _ = run(capsys, "groups", "list")
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["NAME", "MEMBERS"],
        ["Sales", "1"],
        ["support", "0"],
    ]
    listed = json.loads(run(capsys, "groups", "list", "--json")[1])
    assert listed[0] == {"name": "Sales", "description": "EMEA", "members": 1}
    code, out, _ = run(capsys, "groups", "delete", "SALES")
    assert (code, out) == (0, "Deleted the group Sales; 1 member left it.\n")
    assert list(Group.objects.values_list("name", flat=True)) == ["support"]


def test_a_taken_or_invalid_name_is_one_error_line(db, capsys):
    run(capsys, "groups", "create", "Sales")
    code, _, err = run(capsys, "groups", "create", " sales ")
    assert_one_line_error(code, err)
    assert "Another group already has this name" in err
    code, _, err = run(capsys, "groups", "create", "a\u202eb")
    assert_one_line_error(code, err)
    assert "U+202E" in err
    assert Group.objects.count() == 1


def test_add_and_remove_members_by_email_or_id(db, capsys, make_user):
    group = services.create_group(by="test", name="Sales")
    ann = make_user(email="ann@example.com")
    code, out, _ = run(capsys, "groups", "add", "sales", "ANN@example.com")
    assert code == 0 and "ann@example.com is in Sales" in out
    assert Membership.objects.get(group=group, user=ann).source == Source.MANUAL
    assert run(capsys, "groups", "remove", "Sales", ann.public_id)[:2] == (
        0,
        "Removed ann@example.com from Sales.\n",
    )
    assert not Membership.objects.exists()


def test_an_unknown_group_or_user_is_one_error_line(db, capsys, make_user):
    services.create_group(by="test", name="Sales")
    code, _, err = run(capsys, "groups", "add", "Nope", make_user().public_id)
    assert_one_line_error(code, err)
    assert "There is no group named 'Nope'." in err
    code, _, err = run(capsys, "groups", "add", "Sales", "nobody@example.com")
    assert_one_line_error(code, err)
    assert "No user has the ID or email 'nobody@example.com'." in err


def test_users_list_json_carries_each_users_groups(db, capsys, make_user):
    ann = make_user(email="ann@example.com")
    make_user(email="bob@example.com")
    services.add_member(by="test", group=services.create_group(by="test", name="Sales"), user=ann)
    services.add_member(
        by="test",
        group=services.create_group(by="test", name="alpha"),
        user=ann,
        source=Source.TOKEN,
    )
    users = json.loads(run(capsys, "users", "list", "--json")[1])
    assert {u["email"]: u["groups"] for u in users} == {
        "ann@example.com": ["alpha", "Sales"],
        "bob@example.com": [],
    }


def test_jwt_policy_sets_the_groups_from_token_settings(db, capsys):
    code, out, _ = run(
        capsys,
        *("jwt", "policy", "--json", "--groups-from-token", "on", "--groups-claim"),
        *("https://crm.example.com/groups", "--groups-mode", "ADD", "--unknown-groups", "create"),
    )
    assert code == 0
    policy = json.loads(out)
    assert {k: policy[k] for k in ("groups_from_token", "groups_mode", "unknown_groups")} == {
        "groups_from_token": True,
        "groups_mode": "add",
        "unknown_groups": "create",
    }
    assert policy["groups_claim"] == "https://crm.example.com/groups"


def test_jwt_policy_refuses_bad_groups_settings_and_changes_nothing(db, capsys):
    for flags, message in [
        (("--groups-mode", "mirror"), "The groups mode must be sync or add."),
        (("--unknown-groups", "guess"), "Unknown groups must be ignore or create."),
        (("--groups-claim", "user groups"), "The groups claim must be a claim name"),
    ]:
        code, _, err = run(capsys, "jwt", "policy", "--groups-from-token", "on", *flags)
        assert_one_line_error(code, err)
        assert message in err
    policy = json.loads(run(capsys, "jwt", "policy", "--json")[1])
    assert (policy["groups_from_token"], policy["groups_mode"]) == (False, "sync")
