"""Admin panel → Usage: per-person messages and tokens, the instance's daily limit and
personal overrides."""

from django.urls import reverse

from parley.chat import conversations, replies
from parley.chat import usage as chat_usage
from parley.chat.models import DailyUsage
from parley.chat.providers import Usage

USAGE = reverse("adminpanel:usage")


def _chat(user, text="hello"):
    conversation = conversations.create_conversation(user=user)
    plan = replies.start_reply(user=user, public_id=conversation.public_id, content=text)
    usage = Usage(prompt_tokens=12, completion_tokens=34, estimated=False)
    replies.finish_reply(plan=plan, content="answer", status="complete", usage=usage)


def test_usage_lists_people_with_their_messages_and_tokens(admin_client, make_user):
    busy = make_user(email="busy@example.com")
    _chat(busy)
    _chat(busy)
    make_user(email="idle@example.com")
    page = admin_client.get(USAGE).content.decode()
    assert "busy@example.com" in page and "idle@example.com" not in page
    assert "<td>2</td>" in page and "<td>92</td>" in page  # 2 × (12 + 34) tokens
    assert "<svg" in page and " style=" not in page  # the chart, under the strict CSP


def test_usage_exports_groups_and_people_as_csv_with_formulas_defused(
    admin_client, make_user, make_group
):
    busy = make_user(email="busy@example.com")
    make_group("=HYPERLINK(1)", busy)
    _chat(busy)
    response = admin_client.get(reverse("adminpanel:usage_csv") + "?period=month")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("kind,id,name,members,period")
    assert any(line.startswith("group,") and "'=HYPERLINK(1)" in line for line in lines)
    assert any(line.startswith("person,") and ",1,,46," in line for line in lines)


def test_the_instance_limit_is_set_on_the_usage_page(admin_client):
    page = admin_client.post(USAGE, {"messages_per_day": "50"}, follow=True).content.decode()
    assert "Default limits saved." in page
    assert chat_usage.chat_settings().messages_per_day == 50
    admin_client.post(USAGE, {"messages_per_day": ""})
    assert chat_usage.chat_settings().messages_per_day is None


def test_a_negative_limit_is_a_form_error(admin_client):
    page = admin_client.post(USAGE, {"messages_per_day": "-1"}).content.decode()
    assert "greater than or equal to 0" in page


def test_a_personal_limit_is_set_and_cleared(admin_client, make_user):
    person = make_user(email="pat@example.com")
    url = reverse("adminpanel:usage_user", args=[person.public_id])
    page = admin_client.post(url, {"messages_per_day": "3"}, follow=True).content.decode()
    assert "Personal limits saved." in page
    assert chat_usage.messages_limit_for(user=person) == 3
    admin_client.post(url, {"action": "clear"})
    assert chat_usage.messages_limit_for(user=person) is None


def test_estimated_tokens_are_marked(admin_client, make_user):
    person = make_user(email="est@example.com")
    conversation = conversations.create_conversation(user=person)
    plan = replies.start_reply(user=person, public_id=conversation.public_id, content="hi")
    replies.finish_reply(plan=plan, content="four char", status="complete", usage=None)
    assert DailyUsage.objects.get().estimated_tokens
    assert "*</td>" in admin_client.get(USAGE).content.decode()


def test_members_cannot_see_usage(member_client):
    assert member_client.get(USAGE).status_code == 403
