"""What a person does with messages and conversations: copy an answer, edit and resend a
message, browse regenerated answers, stop with Esc, start a new chat from the keyboard, and
group, rename, delete and search conversations in the sidebar without a reload; and the
chat on a phone."""

import re

import pytest
from playwright.sync_api import expect

from parley.chat.models import Conversation, Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def _ask(page, text):
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")
    expect(page.locator(".msg-assistant").last).to_have_attribute("data-status", "complete")


def test_copy_an_answer_as_markdown(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user())
    _ask(page, "Hello")
    page.get_by_role("button", name="Copy", exact=True).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("This is the **demo model**")
    assert "```python" in copied


def test_regenerated_answers_are_browsable(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user())
    _ask(page, "First question")
    page.get_by_role("button", name="Regenerate").click()
    answer = page.locator(".msg-assistant")
    expect(answer).to_have_count(1)
    expect(answer.locator(".version-count")).to_have_text("2/2")
    expect(answer).to_have_attribute("data-status", "complete")
    page.get_by_role("button", name="Previous answer").click()
    expect(answer.locator(".version-count")).to_have_text("1/2")
    expect(answer.locator(".version").first).to_be_visible()
    expect(answer.locator(".version").last).to_be_hidden()
    page.reload()
    expect(page.locator(".msg-assistant .version-count")).to_have_text("2/2")
    page.get_by_role("button", name="Previous answer").click()
    expect(page.locator(".msg-assistant .version-count")).to_have_text("1/2")
    expect(page.get_by_role("button", name="Next answer")).to_be_enabled()


def test_edit_a_sent_message_and_resend(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user())
    _ask(page, "Tell me about tides")
    _ask(page, "And about waves")
    page.locator(".msg-user").first.get_by_role("button", name="Edit").click()
    page.get_by_label("Edit your message").fill("Tell me about the moon")
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator(".msg-assistant").last).to_have_attribute("data-status", "complete")
    expect(page.locator(".msg-user")).to_have_count(1)
    expect(page.locator(".msg-user .bubble")).to_have_text("Tell me about the moon")
    expect(page.locator(".msg-assistant .md").last).to_contain_text("Tell me about the moon")
    page.reload()
    expect(page.locator(".msg-user .bubble")).to_have_text("Tell me about the moon")
    assert not page.get_by_text("And about waves").count()


def test_escape_stops_the_answer(chat_page, make_user, monkeypatch, log_in):
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0.2)
    page = chat_page
    log_in(page, make_user())
    page.get_by_label("Message").fill("Slowly")
    page.get_by_label("Message").press("Enter")
    expect(page.locator(".msg-assistant .md")).to_contain_text("demo", timeout=10_000)
    expect(page.get_by_role("button", name="Stop")).to_have_attribute("title", "Stop (Esc)")
    page.keyboard.press("Escape")
    expect(page.locator(".msg-assistant")).to_have_attribute("data-status", "stopped")
    expect(page.get_by_role("button", name="Send")).to_be_visible()


def test_keyboard_shortcut_starts_a_new_chat_and_is_shown(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user())
    _ask(page, "Something")
    expect(page).to_have_url(re.compile(r"/c/[\w-]+/$"))
    new = page.get_by_role("button", name="New conversation")
    expect(new).to_have_attribute("title", re.compile(r"Ctrl\+Shift\+O"))
    page.keyboard.press("Control+Shift+O")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#welcome")).to_be_visible()


def test_token_figures_are_explained(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user())
    _ask(page, "Count")
    tokens = page.locator(".msg-assistant .tokens")
    expect(tokens).to_have_attribute("title", re.compile(r"read by the model.*written in this"))
    page.reload()
    expect(page.locator(".msg-assistant .tokens")).to_have_attribute(
        "title", re.compile(r"read by the model.*Estimated")
    )


def test_sidebar_renames_and_deletes_a_conversation_just_started(chat_page, make_user, log_in):
    page = chat_page
    person = make_user()
    log_in(page, person)
    _ask(page, "Brand new chat")
    item = page.locator(".convo-item").first
    expect(page.locator('.convo-group[data-group="Today"] .convo-item a')).to_have_text(
        "Brand new chat"
    )
    item.hover()
    item.get_by_role("button", name="Rename “Brand new chat”").click()
    page.get_by_label("New title").fill("Renamed here")
    page.get_by_label("New title").press("Enter")
    expect(item.locator("a")).to_have_text("Renamed here")
    expect(page.locator("#chat-title")).to_have_text("Renamed here")
    assert Conversation.objects.get().title == "Renamed here"

    page.goto("/")  # now another conversation is open, and the first is deleted from here
    other = page.locator(".convo-item").first
    page.once("dialog", lambda dialog: dialog.accept())
    other.hover()
    other.get_by_role("button", name="Delete “Renamed here”").click()
    expect(page.locator(".convo-item")).to_have_count(0)
    expect(page.locator("#side-empty")).to_be_visible()
    assert not Conversation.objects.exists()


def test_sidebar_groups_by_day_and_searches_text_as_one_types(chat_page, make_user, log_in):
    import datetime

    from django.utils import timezone

    page = chat_page
    person = make_user()
    old = Conversation.objects.create(user=person, public_id="oldone", title="Garden plans")
    Message.objects.create(conversation=old, role="user", content="Where do tomatoes grow best?")
    Conversation.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    Conversation.objects.create(user=person, public_id="newone", title="Holiday")
    log_in(page, person)
    expect(page.locator(".convo-group-title")).to_have_text(["Today", "Older"])
    page.get_by_label("Search conversations").press_sequentially("tomato")
    results = page.locator("#search-results")
    expect(results.locator(".convo-item a")).to_have_text(["Garden plans"])
    expect(page.locator("#convo-list")).to_be_hidden()
    page.get_by_label("Search conversations").fill("")
    expect(page.locator("#convo-list")).to_be_visible()


def test_chat_on_a_phone(chat_page, make_user, log_in):
    page = chat_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, make_user(email="a-rather-long-name-for-a-phone@example.com", role="admin"))
    page.goto("/")  # an admin's login lands in the admin panel
    _ask(page, "Code on a phone")
    bar = page.locator(".topbar").bounding_box()
    assert bar["height"] < 56, bar  # one line
    block = page.locator(".msg-assistant pre").last
    box = block.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    code = block.locator("code")
    assert code.evaluate("e => e.scrollWidth > e.clientWidth")  # the code scrolls inside it
    assert code.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Conversations").click()
    close = page.get_by_role("button", name="Close conversations")
    expect(close).to_be_visible()
    close.click()
    expect(page.locator("#chat-side")).to_be_hidden()
    expect(page.get_by_role("button", name="Conversations")).to_have_attribute(
        "aria-expanded", "false"
    )
