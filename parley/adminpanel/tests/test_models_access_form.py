"""Admin → Models: an admin opens a model to everyone or to chosen groups, and the people it
concerns see the change in their model picker at once."""

from django.test import Client
from django.urls import reverse

from parley.chat import catalogue


def _picker(user) -> str:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client.get("/").content.decode()


def test_an_admin_restricts_a_model_to_a_group_and_opens_it_again(
    admin_client, make_provider, make_group, make_user
):
    model = make_provider(names=("team-model",)).models.get()
    member, outsider = make_user(), make_user()
    sales = make_group("Sales", member)
    action = reverse("adminpanel:model_action", args=[model.pk])

    page = admin_client.post(action, {"action": "access", "access": "groups", "groups": [sales.pk]})
    assert page.status_code == 302
    assert "team-model" in _picker(member)
    assert "team-model" not in _picker(outsider)
    model.refresh_from_db()
    assert not catalogue.may_use(user=outsider, model=model)

    admin_client.post(action, {"action": "access", "access": "everyone"})
    assert "team-model" in _picker(outsider)


def test_only_these_groups_with_none_ticked_is_refused_and_changes_nothing(
    admin_client, make_provider, make_user
):
    model = make_provider(names=("team-model",)).models.get()
    action = reverse("adminpanel:model_action", args=[model.pk])

    page = admin_client.post(action, {"action": "access", "access": "groups"}, follow=True)
    assert "Choose at least one group, or make the model available to everyone." in (
        page.content.decode()
    )
    model.refresh_from_db()
    assert catalogue.may_use(user=make_user(), model=model)
