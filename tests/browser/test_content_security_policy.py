"""The pages work under their Content-Security-Policy: login, chat with a streamed answer,
the admin's JWT pages, the API docs and the widget on another site, with no violation
reported by the browser."""

import re

import jwt
import pytest
from playwright.sync_api import expect

from parley.chat.tests.fake_provider import GranianThread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


@pytest.fixture
def server(transactional_db, monkeypatch):
    from parley.asgi import application
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0)
    with GranianThread(application) as running:
        yield running


@pytest.fixture
def guarded(browser, server, csp_violations):
    context = csp_violations.watch(browser.new_context(base_url=server.url))
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_guard_notices_an_inline_script(guarded, csp_violations):
    response = guarded.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    with guarded.expect_console_message(lambda message: "script-src" in message.text):
        guarded.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.ran = true'; document.body.append(s); }"
        )
    assert guarded.evaluate("window.ran") is None
    assert any("script-src" in text for text in csp_violations.seen)


def test_the_login_page_works_under_the_policy(guarded, csp_violations, make_user):
    make_user(email="robin@example.com")
    guarded.goto("/")
    expect(guarded).to_have_url(re.compile(r"/accounts/login/"))
    guarded.get_by_label("Email address").fill("robin@example.com")
    guarded.get_by_role("button", name="Email me a code").click()
    expect(guarded.get_by_role("heading", name="Check your email")).to_be_visible()
    assert csp_violations.seen == []


def test_chat_streams_an_answer_under_the_policy(guarded, csp_violations, make_user, log_in):
    log_in(guarded, make_user(email="casey@example.com", metadata={"name": "Casey"}))
    expect(guarded.get_by_role("heading", name="Welcome, Casey")).to_be_visible()
    guarded.get_by_label("Message").fill("Show me some code")
    guarded.get_by_label("Message").press("Enter")
    answer = guarded.locator(".msg-assistant").last
    expect(answer).to_contain_text("This is the demo model", timeout=20_000)
    expect(answer).to_have_attribute("data-status", "complete")
    expect(answer.locator("pre button.copy-code")).to_be_visible()
    assert csp_violations.seen == []


def test_the_admin_jwt_pages_work_under_the_policy(guarded, csp_violations, admin_user, log_in):
    from parley.external_auth import services

    secret = services.enable_jwt()
    log_in(guarded, admin_user)
    guarded.goto("/admin/authentication/jwt/")
    expect(guarded.get_by_role("heading", name="External Authentication (JWT)")).to_be_visible()
    guarded.get_by_role("button", name="Reveal").click()
    expect(guarded.get_by_role("heading", name="Current JWT secret")).to_be_visible()
    expect(guarded.get_by_label("Allow a private-network key URL")).not_to_be_checked()

    guarded.goto("/admin/token-tester/")
    code = jwt.encode({"user": {"id": "tester-1"}}, secret, "HS256")
    guarded.get_by_role("textbox", name="Code").fill(code)
    guarded.get_by_role("button", name="Test code").click()
    expect(guarded.locator("#tester-outcome")).to_contain_text("tester-1")

    guarded.goto("/admin/seats/")
    expect(guarded.get_by_test_id("seat-usage")).to_be_visible()
    guarded.goto("/admin/models/")
    expect(guarded.get_by_role("heading", name=re.compile("Models"))).to_be_visible()
    assert csp_violations.seen == []


def test_the_api_docs_page_renders_under_its_policy(guarded, csp_violations):
    guarded.goto("/api/v1/docs")
    expect(guarded.locator(".swagger-ui .information-container")).to_contain_text("Parley API")
    guarded.locator(".opblock-summary").first.click()
    expect(guarded.get_by_role("button", name="Try it out").first).to_be_visible()
    guarded.get_by_role("button", name="Authorize").click()
    expect(guarded.get_by_role("heading", name="Available authorizations")).to_be_visible()
    assert csp_violations.seen == []
