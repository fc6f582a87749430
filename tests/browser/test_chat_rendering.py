"""How an answer looks: markdown rendered while it streams, highlighted code with a language
label, and a stopped answer that keeps its formatting."""

import pytest
from playwright.sync_api import expect

from parley.chat.models import Message, MessageStatus
from parley.tests.polling import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_markdown_renders_while_the_answer_streams(chat_page, make_user, monkeypatch, log_in):
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0.08)
    page = chat_page
    log_in(page, make_user())
    page.get_by_label("Message").fill("Show me")
    page.get_by_label("Message").press("Enter")
    answer = page.locator(".msg-assistant").last
    expect(answer.locator(".md strong").first).to_have_text("demo model")
    expect(answer).to_have_attribute("data-status", "streaming")  # formatted before the end
    expect(answer).to_have_attribute("data-status", "complete", timeout=30_000)
    assert page.locator(".msg img, .msg script").count() == 0


def test_code_is_highlighted_and_labelled_with_its_language(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user())
    page.get_by_label("Message").fill("Code please")
    page.get_by_label("Message").press("Enter")
    block = page.locator(".msg-assistant pre").last
    expect(block.locator(".code-lang")).to_have_text("python")
    expect(block.locator("code.hljs .hljs-keyword").first).to_have_text("from")
    expect(page.locator(".msg-assistant").last).to_have_attribute("data-status", "complete")
    page.reload()
    expect(page.locator(".msg-assistant pre .code-lang")).to_have_text("python")
    expect(page.locator(".msg-assistant pre code .hljs-string").first).to_be_visible()


def test_a_stopped_answer_keeps_its_formatting_and_line_breaks(
    chat_page, make_user, monkeypatch, log_in
):
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0.15)
    page = chat_page
    log_in(page, make_user())
    page.get_by_label("Message").fill("Go")
    page.get_by_label("Message").press("Enter")
    answer = page.locator(".msg-assistant").last
    expect(answer.locator(".md li").first).to_contain_text("answers stream in", timeout=20_000)
    page.keyboard.press("Escape")
    expect(answer).to_have_attribute("data-status", "stopped")
    expect(answer.locator(".md strong").first).to_have_text("demo model")
    expect(answer.locator(".md li").first).to_contain_text("answers stream in")
    wait_until(
        lambda: Message.objects.filter(role="assistant", status=MessageStatus.STOPPED).exists(),
        what="the stopped answer saved",
    )
    page.reload()
    expect(page.locator(".msg-assistant .md li").first).to_contain_text("answers stream in")
    expect(page.locator(".msg-assistant .md strong").first).to_have_text("demo model")
