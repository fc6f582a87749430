"""A person chats end to end: log in, ask the demo model, watch the answer stream in, stop
an answer, reload and find the conversation kept.

The stream is a native handler in parley/asgi.py, which pytest-django's live server (WSGI)
does not serve, so these tests run the real entry under granian in this process.
"""

import re

import pytest
from playwright.sync_api import expect

from parley.chat.models import Message, MessageStatus
from parley.tests.polling import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_chat_with_the_demo_model_end_to_end(chat_page, make_user, log_in):
    page = chat_page
    log_in(page, make_user(email="casey@example.com", metadata={"name": "Casey"}))
    expect(page.get_by_role("heading", name="Welcome, Casey")).to_be_visible()
    expect(page.locator("#model-picker")).to_have_value(re.compile(r"\d+"))
    expect(page.locator("#model-picker option:checked")).to_have_text("Demo model (offline)")

    page.get_by_label("Message").fill("Tell me about <img src=x onerror=alert(1)> tides")
    page.get_by_label("Message").press("Enter")

    answer = page.locator(".msg-assistant").last
    expect(answer).to_contain_text("This is the demo model", timeout=20_000)
    expect(answer.locator("pre button.copy-code")).to_be_visible()
    expect(answer).to_have_attribute("data-status", "complete")
    expect(page.locator(".msg-user .bubble")).to_have_text(
        "Tell me about <img src=x onerror=alert(1)> tides"
    )
    assert page.locator(".msg img").count() == 0
    expect(page).to_have_url(re.compile(r"/c/[\w-]+/$"))
    expect(page.locator("#convo-list a.active")).to_have_text(re.compile("^Tell me about"))

    answer.locator("button.copy-code").click()
    expect(answer.locator("button.copy-code")).to_have_text("Copied")
    assert "from openai import OpenAI" in page.evaluate("navigator.clipboard.readText()")

    page.reload()
    expect(page.locator(".msg-assistant .md strong").first).to_have_text("demo model")
    expect(page.locator(".msg-user .bubble")).to_contain_text("Tell me about")


def test_stop_keeps_the_partial_answer(chat_page, make_user, monkeypatch, log_in):
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0.2)
    page = chat_page
    log_in(page, make_user())
    page.get_by_label("Message").fill("Go slowly")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".msg-assistant .md")).to_contain_text("demo", timeout=10_000)
    page.get_by_role("button", name="Stop").click()
    expect(page.locator(".msg-assistant")).to_have_attribute("data-status", "stopped")
    expect(page.get_by_text("Stopped — this answer is incomplete.")).to_be_visible()
    # The server notices the closed stream on its own time; reload once it has saved it.
    wait_until(
        lambda: Message.objects.filter(role="assistant", status=MessageStatus.STOPPED).exists(),
        what="the stopped answer saved",
    )
    page.reload()
    expect(page.get_by_text("Stopped — this answer is incomplete.")).to_be_visible()
