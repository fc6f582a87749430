"""The widget is the app's chat: history, stop, regenerate, copy, formatted answers; the
launcher's ×, unread dot, Esc and focus; full screen on a phone; and errors written for a
person on someone else's site."""

import pytest
from playwright.sync_api import expect

# The integrator's site and the widget fixtures, shared with test_widget.py (fixtures are
# found by name, so the tests' arguments "redefine" them).
# ruff: noqa: F811
from test_widget import (  # noqa: F401
    allow,
    blocking_browser,
    context,
    events_named,
    host,
    host_page,
    parley,
    wait_for_event,
    widget_frame,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def _open_chat(context, parley, host, mint, allow, *, user=None, viewport=None):
    allow(host.origin)
    host.pages["/"] = host_page(parley, code=mint({"user": user or {"id": "shop-7"}}))
    page = context.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(host.origin + "/")
    wait_for_event(page, "login")
    return page


def _ask(frame, text):
    frame.get_by_label("Message").fill(text)
    frame.get_by_label("Message").press("Enter")
    expect(frame.locator(".msg-assistant").last).to_have_attribute("data-status", "complete")


def test_answers_are_formatted_highlighted_copied_and_regenerated(
    context, parley, host, mint, allow
):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=parley.url)
    page = _open_chat(context, parley, host, mint, allow, user={"id": "shop-7", "name": "Kim"})
    page.get_by_role("button", name="Open Shop help").click()
    frame = widget_frame(page)
    expect(frame.locator("#who")).to_have_text("Kim")  # the display name, not the id
    _ask(frame, "Hello")
    answer = frame.locator(".msg-assistant").last
    expect(answer.locator(".md strong").first).to_have_text("demo model")
    expect(answer.locator("pre .code-lang")).to_have_text("python")
    expect(answer.locator("pre code .hljs-keyword").first).to_have_text("from")
    answer.get_by_role("button", name="Copy", exact=True).click()
    expect(answer.get_by_role("button", name="Copied")).to_be_visible()
    frame.get_by_role("button", name="Regenerate").click()
    expect(frame.locator(".msg-assistant")).to_have_count(1)
    expect(frame.locator(".msg-assistant")).to_have_attribute("data-status", "complete")


def test_markdown_renders_mid_stream_and_stop_keeps_it(
    context, parley, host, mint, allow, monkeypatch
):
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0.15)
    page = _open_chat(context, parley, host, mint, allow)
    page.get_by_role("button", name="Open Shop help").click()
    frame = widget_frame(page)
    frame.get_by_label("Message").fill("Slowly")
    frame.get_by_label("Message").press("Enter")
    answer = frame.locator(".msg-assistant")
    expect(answer.locator(".md strong").first).to_have_text("demo model", timeout=10_000)
    expect(answer).to_have_attribute("data-status", "streaming")
    expect(frame.get_by_role("button", name="Stop")).to_be_visible()
    frame.get_by_label("Message").press("Escape")  # Esc stops an answer before it closes
    expect(answer).to_have_attribute("data-status", "stopped")
    expect(answer.locator(".md strong").first).to_have_text("demo model")
    expect(page.locator('[data-parley-panel="0"]')).to_be_visible()


def test_earlier_conversations_can_be_reopened(context, parley, host, mint, allow):
    from parley.chat import conversations
    from parley.chat.models import Message

    page = _open_chat(context, parley, host, mint, allow)
    from parley.accounts.models import User

    person = User.objects.get(public_id="shop-7")
    older = conversations.create_conversation(user=person)
    conversations.rename_conversation(user=person, public_id=older.public_id, title="Returns")
    Message.objects.create(conversation=older, role="user", content="Can I return shoes?")
    page.get_by_role("button", name="Open Shop help").click()
    frame = widget_frame(page)
    _ask(frame, "A new question")
    frame.get_by_role("button", name="Conversations").click()
    frame.get_by_role("button", name="Returns").click()
    expect(frame.locator(".msg-user")).to_have_text("Can I return shoes?")


def test_launcher_turns_into_a_close_button_and_shows_an_unread_dot(
    context, parley, host, mint, allow, monkeypatch
):
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0.05)
    page = _open_chat(context, parley, host, mint, allow)
    launcher = page.locator('[data-parley-launcher="0"]')
    expect(launcher).to_have_attribute("aria-label", "Open Shop help")
    launcher.click()
    expect(launcher).to_have_attribute("aria-label", "Close Shop help")
    expect(launcher).to_have_attribute("data-state", "open")
    frame = widget_frame(page)
    expect(frame.get_by_label("Message")).to_be_focused()  # focus moved into the panel
    frame.get_by_label("Message").fill("Answer while I look away")
    frame.get_by_label("Message").press("Enter")
    launcher.click()  # closed while the answer is written
    expect(launcher).to_have_attribute("data-state", "closed")
    expect(page.locator("[data-parley-unread]")).to_be_visible(timeout=20_000)
    expect(launcher).to_have_attribute("aria-label", "Open Shop help (new answer)")
    launcher.click()
    expect(page.locator("[data-parley-unread]")).to_be_hidden()


def test_escape_closes_the_panel_and_focus_returns_to_the_launcher(
    context, parley, host, mint, allow
):
    page = _open_chat(context, parley, host, mint, allow)
    launcher = page.locator('[data-parley-launcher="0"]')
    launcher.click()
    frame = widget_frame(page)
    expect(frame.get_by_label("Message")).to_be_focused()
    frame.get_by_label("Message").press("Escape")
    expect(page.locator('[data-parley-panel="0"]')).to_be_hidden()
    expect(launcher).to_be_focused()
    wait_for_event(page, "close")


def test_on_a_phone_the_open_widget_is_full_screen(context, parley, host, mint, allow):
    page = _open_chat(context, parley, host, mint, allow, viewport={"width": 390, "height": 844})
    page.locator('[data-parley-launcher="0"]').click()
    panel = page.locator('[data-parley-panel="0"]')
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    frame = widget_frame(page)
    _ask(frame, "On my phone")
    page.get_by_role("button", name="Close Shop help").click()  # the header's ×
    expect(panel).to_be_hidden()
    expect(page.locator('[data-parley-launcher="0"]')).to_be_visible()


def test_an_expired_code_says_the_site_must_refresh_it(context, parley, host, mint, allow):
    allow(host.origin)
    expired = mint({"user": {"id": "late"}}, expires_in=-3600)
    host.pages["/"] = host_page(parley, code=expired, attributes=' data-open-on-load="true"')
    page = context.new_page()
    page.goto(host.origin + "/")
    errors = wait_for_event(page, "error")
    assert errors[0]["code"] == "token_expired"
    expect(widget_frame(page).locator("#error")).to_contain_text("The site must refresh it")


def test_without_a_code_the_widget_says_the_site_did_not_sign_you_in(context, parley, host, allow):
    allow(host.origin)
    host.pages["/"] = host_page(parley, attributes=' data-open-on-load="true"')
    page = context.new_page()
    page.goto(host.origin + "/")
    errors = wait_for_event(page, "error")
    assert errors[0]["code"] == "not_signed_in"
    frame = widget_frame(page)
    expect(frame.locator("#error")).to_contain_text("This site did not sign you in")
    expect(frame.locator("#composer")).to_be_hidden()


def test_a_page_not_allowed_is_reported_at_once(context, parley, host, mint, allow):
    import time

    allow("https://shop.example.com")
    host.pages["/"] = host_page(parley, code=mint({"user": {"id": "nope"}}))
    page = context.new_page()
    started = time.monotonic()
    page.goto(host.origin + "/")
    errors = wait_for_event(page, "error")
    assert time.monotonic() - started < 6  # not the 8 s timeout
    assert errors[0]["code"] == "origin_not_allowed"
    assert host.origin in errors[0]["message"]
    assert "Allowed embedding origins" in errors[0]["message"]


def test_the_widget_and_its_frame_pass_the_accessibility_scan(context, parley, host, mint, allow):
    from test_accessibility import problems

    page = _open_chat(context, parley, host, mint, allow)
    page.locator('[data-parley-launcher="0"]').click()
    _ask(widget_frame(page), "Hello")
    frame = page.frame(url=f"{parley.url}/widget/frame/")
    found = problems(frame) + problems(page)
    widget_frame(page).get_by_role("button", name="Conversations").click()
    found += problems(frame)
    assert found == [], "\n".join(found)
