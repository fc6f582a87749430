"""Models open to everyone or only to chosen groups: the picker, the widget's conversation
API and the stream show and take only a person's own models; the default falls back."""

import pytest

from parley.accounts.models import User
from parley.chat import catalogue
from parley.chat.models import ChatModel, Conversation
from parley.widget.tests.test_conversations import bearer, token_for

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def restricted(provider_model, make_group):
    """A model only the group "Research" may use (its members are added by each test)."""

    def make(*members):
        model = provider_model("normal")
        catalogue.rename_model(model=model, label="Secret model")
        group = make_group("Research", *[m.user if hasattr(m, "user") else m for m in members])
        catalogue.set_model_access(model=model, everyone=False, groups=[group])
        return ChatModel.objects.get(pk=model.pk)

    return make


@pytest.mark.django_db(transaction=True)
def test_a_restricted_model_is_hidden_from_and_refused_to_others(chatter, restricted):
    outsider = chatter()
    model = restricted()
    page = outsider.http.get("/").text
    assert "Secret model" not in page
    conversation = outsider.new()  # the demo model, theirs to use
    status, body = outsider.send(conversation, "hi", model=model.pk)
    assert status == 403 and body["code"] == "model_not_allowed"
    assert "ask your Parley administrators" in body["message"]
    refused = outsider.http.post(
        "/chat/new/",
        data={"csrfmiddlewaretoken": outsider.csrf, "model": str(model.pk)},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 403 and refused.json()["code"] == "model_not_allowed"


@pytest.mark.django_db(transaction=True)
def test_members_of_the_group_see_and_use_the_restricted_model(chatter, make_user, restricted):
    member = chatter(make_user())
    model = restricted(member)
    assert "Secret model" in member.http.get("/").text
    status, events = member.send(member.new(model), "hi")
    assert status == 200 and events[0][1]["model"] == "Secret model"
    assert events[-1][0] == "done"


@pytest.mark.django_db(transaction=True)
def test_a_conversation_whose_model_was_restricted_since_is_refused(
    chatter, provider_model, make_group
):
    person = chatter()
    model = provider_model("normal")
    conversation = person.new(model)
    catalogue.set_model_access(model=model, everyone=False, groups=[make_group("Elsewhere")])
    status, body = person.send(conversation, "hi")
    assert status == 403 and body["code"] == "model_not_allowed"


@pytest.mark.django_db
def test_the_default_falls_back_to_the_first_model_the_person_may_use(
    client, make_user, make_provider, make_group
):
    person = make_user()
    default = catalogue.ensure_demo_model()
    catalogue.set_default_model(model=default)
    catalogue.set_model_access(model=default, everyone=False, groups=[make_group("Staff")])
    open_model = make_provider(names=["open-one"]).models.get()
    assert catalogue.default_model(user=person) == open_model
    client.force_login(person)
    page = client.get("/").content.decode()
    assert f'<option value="{open_model.pk}" selected>' in page
    assert default.label not in page
    created = client.post("/chat/new/", headers={"Accept": "application/json"}).json()
    assert Conversation.objects.get(public_id=created["id"]).model == open_model


@pytest.mark.django_db
def test_a_person_with_no_model_is_told_to_ask_the_admins(client, make_user, make_group, mint):
    demo = catalogue.ensure_demo_model()
    catalogue.set_model_access(model=demo, everyone=False, groups=[make_group("Staff")])
    client.force_login(make_user())
    page = client.get("/").content.decode()
    assert "No AI model is available to you yet" in page and "administrators" in page
    assert 'id="composer"' not in page
    token = token_for(client, mint, "widget-person")
    refused = client.post("/widget/conversations/", **bearer(token))
    assert refused.status_code == 403 and refused.json()["code"] == "no_model_available"


@pytest.mark.django_db
def test_the_widget_conversation_api_uses_the_persons_own_default(
    client, mint, make_group, make_provider
):
    demo = catalogue.ensure_demo_model()
    catalogue.set_default_model(model=demo)
    token = token_for(client, mint, "widget-member")
    catalogue.set_model_access(
        model=demo, everyone=False,
        groups=[make_group("Staff", User.objects.get(public_id="widget-member"))],
    )  # fmt: skip
    theirs = client.post("/widget/conversations/", **bearer(token)).json()["id"]
    assert Conversation.objects.get(public_id=theirs).model == demo
    outsider = token_for(client, mint, "widget-outsider")
    open_model = make_provider(names=["open-one"]).models.get()
    created = client.post("/widget/conversations/", **bearer(outsider)).json()["id"]
    assert Conversation.objects.get(public_id=created).model == open_model
