"""The chat pages: list, new, rename, delete, search by title; and that conversations
belong to their person — no one else can read, list, rename or delete them."""

import pytest
from django.urls import reverse

from parley.chat import conversations
from parley.chat.models import Conversation, Message


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.com")


def _conversation(user, title="Trip to Lisbon"):
    conversation = conversations.create_conversation(user=user)
    return conversations.rename_conversation(
        user=user, public_id=conversation.public_id, title=title
    )


def test_the_home_page_greets_and_offers_the_demo_model(member_client):
    html = member_client.get("/").content.decode()
    assert "Welcome, member@example.com" in html
    assert "Demo model (offline)" in html
    assert "Your conversations will be listed here." in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_new_conversation_by_form_and_by_script(member_client):
    response = member_client.post(reverse("chat_new"))
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/c/{conversation.public_id}/"
    data = member_client.post(reverse("chat_new"), HTTP_ACCEPT="application/json").json()
    assert data["url"] == f"/c/{data['id']}/" and data["title"] == "New conversation"
    assert Conversation.objects.filter(user=member_client.user).count() == 2


def test_list_shows_only_my_conversations_newest_first(member_client, owner):
    _conversation(owner, "Someone else's plans")
    _conversation(member_client.user, "Older")
    _conversation(member_client.user, "Newer")
    html = member_client.get("/").content.decode()
    assert html.index("Newer") < html.index("Older")
    assert "Someone else" not in html


def test_search_by_title(member_client):
    _conversation(member_client.user, "Trip to Lisbon")
    _conversation(member_client.user, "Tax return")
    html = member_client.get("/?q=lisbon").content.decode()
    assert "Trip to Lisbon" in html and "Tax return" not in html
    html = member_client.get("/?q=nothing-like-it").content.decode()
    assert "No conversation matches" in html


def test_rename_and_delete(member_client):
    conversation = _conversation(member_client.user)
    member_client.post(reverse("chat_rename", args=[conversation.public_id]), {"title": " Porto "})
    conversation.refresh_from_db()
    assert conversation.title == "Porto"
    response = member_client.post(reverse("chat_delete", args=[conversation.public_id]))
    assert response["Location"] == "/"
    assert not Conversation.objects.exists()


def test_an_empty_title_is_refused(member_client):
    conversation = _conversation(member_client.user)
    response = member_client.post(
        reverse("chat_rename", args=[conversation.public_id]), {"title": "  "}, follow=True
    )
    assert "A title cannot be empty." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.title == "Trip to Lisbon"


def test_no_one_else_can_read_rename_or_delete_a_conversation(member_client, owner):
    theirs = _conversation(owner, "Private")
    Message.objects.create(conversation=theirs, role="user", content="secret plans")
    url = reverse("chat_conversation", args=[theirs.public_id])
    assert member_client.get(url).status_code == 404
    assert member_client.post(reverse("chat_rename", args=[theirs.public_id]),
                              {"title": "Mine now"}).status_code == 404  # fmt: skip
    assert member_client.post(reverse("chat_delete", args=[theirs.public_id])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Private"


def test_the_conversation_page_shows_the_messages(member_client):
    conversation = _conversation(member_client.user)
    Message.objects.create(conversation=conversation, role="user", content="Hello")
    Message.objects.create(
        conversation=conversation,
        role="assistant",
        content="**Hi**",
        html="<p><strong>Hi</strong></p>",
        model_label="Demo model (offline)",
        status="stopped",
    )
    html = member_client.get(reverse("chat_conversation", args=[conversation.public_id]))
    html = html.content.decode()
    assert "Hello" in html and "<strong>Hi</strong>" in html
    assert "Stopped — this answer is incomplete." in html
    assert "Regenerate" in html


def test_deleting_a_user_deletes_their_conversations(owner):
    _conversation(owner)
    owner.delete()
    assert not Conversation.objects.exists()
