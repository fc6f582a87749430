"""Admin Panel → Groups: list with member counts and search, create, rename, delete after a
confirmation naming who loses access, add and remove members; members are refused."""

import pytest
from django.urls import reverse

from parley.groups import services
from parley.groups.models import Group, Membership, Source

GROUPS = reverse("adminpanel:groups")


def group_url(group, name="adminpanel:group"):
    return reverse(name, kwargs={"group_id": group.pk})


@pytest.fixture
def sales(db):
    return services.create_group(by="test", name="Sales", description="The sales team")


def test_the_list_shows_each_group_with_its_member_count(admin_client, sales, make_user):
    services.create_group(by="test", name="Support")
    services.add_member(by="test", group=sales, user=make_user())
    services.add_member(by="test", group=sales, user=make_user())
    page = admin_client.get(GROUPS).content.decode()
    assert "Sales" in page and "Support" in page
    counts = admin_client.get(GROUPS).context["page_obj"].object_list
    assert {g.name: g.member_count for g in counts} == {"Sales": 2, "Support": 0}
    assert f'href="{GROUPS}" class="active" aria-current="page">Groups</a>' in page


def test_search_finds_groups_by_part_of_the_name_in_any_case(admin_client, sales):
    services.create_group(by="test", name="Support")
    response = admin_client.get(GROUPS, {"q": "sAL"})
    assert [g.name for g in response.context["page_obj"]] == ["Sales"]
    assert "1 group match" in response.content.decode()


def test_creating_a_group_opens_it(admin_client):
    response = admin_client.post(GROUPS, {"name": "  Engineering ", "description": "Builders"})
    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == group_url(group)
    assert (group.name, group.description) == ("Engineering", "Builders")


def test_a_name_taken_in_another_case_is_a_form_error(admin_client, sales):
    response = admin_client.post(GROUPS, {"name": "SALES"})
    assert response.status_code == 200
    assert "Another group already has this name" in response.content.decode()
    assert Group.objects.count() == 1


def test_an_invisible_character_in_a_name_is_refused_with_the_reason(admin_client):
    response = admin_client.post(GROUPS, {"name": "Sa\u200bles"})
    assert "invisible or control characters (it contains U+200B)" in response.content.decode()
    assert not Group.objects.exists()


def test_renaming_keeps_the_members(admin_client, sales, make_user):
    services.add_member(by="test", group=sales, user=make_user())
    response = admin_client.post(group_url(sales), {"name": "Sales EMEA", "description": ""})
    assert response.status_code == 302
    sales.refresh_from_db()
    assert (sales.name, sales.description, sales.memberships.count()) == ("Sales EMEA", "", 1)


def test_renaming_to_another_groups_name_is_refused(admin_client, sales):
    services.create_group(by="test", name="Support")
    response = admin_client.post(group_url(sales), {"name": "support", "description": ""})
    assert "Another group already has this name" in response.content.decode()
    sales.refresh_from_db()
    assert sales.name == "Sales"


def test_delete_asks_first_naming_how_many_people_lose_access(admin_client, sales, make_user):
    for _ in range(3):
        services.add_member(by="test", group=sales, user=make_user())
    page = admin_client.get(group_url(sales, "adminpanel:group_delete")).content.decode()
    assert "3 people lose" in page
    assert Group.objects.filter(pk=sales.pk).exists()  # asking deletes nothing
    response = admin_client.post(group_url(sales, "adminpanel:group_delete"), follow=True)
    assert not Group.objects.exists() and not Membership.objects.exists()
    assert "Deleted the group Sales; 3 members left it." in response.content.decode()


def test_adding_a_member_by_email_or_id_makes_a_manual_membership(admin_client, sales, make_user):
    ann, bob = make_user(email="ann@example.com"), make_user(email="bob@example.com")
    add = group_url(sales, "adminpanel:group_add_member")
    assert admin_client.post(add, {"user": "ANN@example.com"}).status_code == 302
    assert admin_client.post(add, {"user": bob.public_id}).status_code == 302
    memberships = Membership.objects.filter(group=sales)
    assert {(m.user, m.source) for m in memberships} == {(ann, Source.MANUAL), (bob, Source.MANUAL)}
    page = admin_client.get(group_url(sales)).content.decode()
    assert "ann@example.com" in page and "Set by an admin" in page


def test_adding_an_unknown_user_is_a_form_error(admin_client, sales):
    response = admin_client.post(
        group_url(sales, "adminpanel:group_add_member"), {"user": "nobody@example.com"}
    )
    assert response.status_code == 200
    assert "No user has this ID or email address." in response.content.decode()


def test_removing_a_member(admin_client, sales, make_user):
    ann = make_user()
    services.add_member(by="test", group=sales, user=ann)
    url = reverse(
        "adminpanel:group_remove_member", kwargs={"group_id": sales.pk, "public_id": ann.public_id}
    )
    assert admin_client.post(url).status_code == 302
    assert not Membership.objects.exists()


def test_members_can_be_searched(admin_client, sales, make_user):
    services.add_member(by="test", group=sales, user=make_user(email="ann@example.com"))
    services.add_member(by="test", group=sales, user=make_user(email="bob@example.com"))
    response = admin_client.get(group_url(sales), {"q": "bob"})
    assert [m.user.email for m in response.context["page_obj"]] == ["bob@example.com"]


def test_a_users_page_shows_their_groups_and_who_added_them(admin_client, sales, make_user):
    ann = make_user()
    services.add_member(by="test", group=sales, user=ann)
    services.add_member(
        by="test",
        group=services.create_group(by="test", name="Beta"),
        user=ann,
        source=Source.TOKEN,
    )
    page = admin_client.get(reverse("adminpanel:user", kwargs={"public_id": ann.public_id}))
    text = page.content.decode()
    assert 'Sales</a> <span class="muted">— Set by an admin' in text
    assert 'Beta</a> <span class="muted">— From the JWT' in text


def test_an_unknown_group_is_a_404(admin_client):
    response = admin_client.get(reverse("adminpanel:group", kwargs={"group_id": 999}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name,method",
    [
        ("adminpanel:groups", "get"),
        ("adminpanel:groups", "post"),
        ("adminpanel:group", "get"),
        ("adminpanel:group", "post"),
        ("adminpanel:group_delete", "get"),
        ("adminpanel:group_delete", "post"),
        ("adminpanel:group_add_member", "post"),
    ],
)
def test_members_get_403_and_change_nothing(member_client, sales, name, method):
    url = reverse(name) if name == "adminpanel:groups" else group_url(sales, name)
    data = {"name": "Hacked", "user": member_client.user.public_id}
    response = getattr(member_client, method)(url, data)
    assert response.status_code == 403
    sales.refresh_from_db()
    assert sales.name == "Sales" and not Membership.objects.exists()


def test_the_jwt_policy_form_saves_the_groups_from_token_settings(admin_client):
    from parley.adminpanel.tests.test_jwt_policy import POLICY, VALID
    from parley.external_auth.services import get_jwt_settings

    groups = {"groups_from_token": "on", "groups_claim": " roles.groups ", "groups_mode": "add"}
    response = admin_client.post(POLICY, {**VALID, **groups, "unknown_groups": "create"})
    assert response.status_code == 302
    row = get_jwt_settings()
    assert (row.groups_from_token, row.groups_claim, row.groups_mode, row.unknown_groups) == (
        True,
        "roles.groups",
        "add",
        "create",
    )
    bad = admin_client.post(POLICY, {**VALID, "groups_claim": "user groups"})
    assert "The groups claim must be a claim name" in bad.content.decode()
    assert get_jwt_settings().groups_claim == "roles.groups"
