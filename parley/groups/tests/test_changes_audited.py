"""Every change to a group or its members is in the audit log, naming who made it, whichever
way it came in: the admin panel, the REST API or the command line."""

from django.urls import reverse

from parley.audit.models import AuthEvent, Method
from parley.groups.models import Group
from parley.tests.test_cli import run


def _changes():
    events = AuthEvent.objects.filter(method=Method.ADMIN).order_by("id")
    return [(e.reason, e.actor, e.public_user_id, e.detail) for e in events]


def test_the_admin_panels_group_changes_are_audited_with_the_admin(admin_client, make_user):
    ann = make_user(email="ann@example.com")
    admin = f"user {admin_client.get(reverse('account')).wsgi_request.user.public_id}"
    admin_client.post(reverse("adminpanel:groups"), {"name": "Sales", "description": ""})
    group = Group.objects.get()
    admin_client.post(reverse("adminpanel:group_add_member", args=[group.pk]), {"user": ann.email})
    admin_client.post(
        reverse("adminpanel:group", args=[group.pk]), {"name": "Sales EMEA", "description": ""}
    )
    admin_client.post(reverse("adminpanel:group_remove_member", args=[group.pk, ann.public_id]))
    admin_client.post(reverse("adminpanel:group_delete", args=[group.pk]))

    assert _changes() == [
        ("group_created", admin, "", "group “Sales”"),
        ("group_member_added", admin, ann.public_id, "group “Sales” (set by an admin)"),
        ("group_changed", admin, "", "group “Sales” renamed to “Sales EMEA”, description changed"),
        ("group_member_removed", admin, ann.public_id, "group “Sales EMEA”"),
        ("group_deleted", admin, "", "group “Sales EMEA”, 0 members"),
    ]
    log = admin_client.get(reverse("adminpanel:audit")).content.decode()
    assert "group_member_added" in log and f"by {admin}" in log


def test_the_command_lines_group_changes_are_audited(db, capsys, make_user):
    ann = make_user(email="ann@example.com")
    run(capsys, "groups", "create", "Sales")
    run(capsys, "groups", "add", "Sales", ann.email)
    run(capsys, "groups", "remove", "Sales", ann.email)

    assert [(reason, actor, user) for reason, actor, user, _ in _changes()] == [
        ("group_created", "command line", ""),
        ("group_member_added", "command line", ann.public_id),
        ("group_member_removed", "command line", ann.public_id),
    ]


def test_a_change_that_changes_nothing_writes_no_event(admin_client, make_user):
    ann = make_user(email="ann@example.com")
    admin_client.post(reverse("adminpanel:groups"), {"name": "Sales", "description": ""})
    group = Group.objects.get()
    url = reverse("adminpanel:group_add_member", args=[group.pk])
    admin_client.post(url, {"user": ann.email})
    admin_client.post(url, {"user": ann.email})  # already in: nothing changes
    admin_client.post(reverse("adminpanel:groups"), {"name": "SALES", "description": ""})

    assert [reason for reason, *_ in _changes()] == ["group_created", "group_member_added"]
