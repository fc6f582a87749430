"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

The live server is pytest-django's (the app in a thread, on the test database), so a test
can set up users with the services and then act as a person in the browser.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Berlin")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def follow_login_link(page, user, base_url=""):
    """Log `page` in as `user` through a real one-time login link (on its context's base URL
    unless `base_url` says otherwise)."""
    from parley.accounts.login_links import create_login_link

    path = create_login_link(user=user, created_by="test").split("/login/link/", 1)[1]
    page.goto(f"{base_url}/login/link/{path}")
    return page


@pytest.fixture
def login_as(page, live_server):
    """Log the browser in as `user` through a real one-time login link."""
    return lambda user: follow_login_link(page, user, live_server.url)


@pytest.fixture
def log_in():
    """follow_login_link, for tests whose page is on a server of their own."""
    return follow_login_link


class CspViolations:
    """Collects Content-Security-Policy violations from every page and frame of the browser
    contexts it watches: Chromium's own console report, and the securitypolicyviolation
    event (logged by an init script, which runs in cross-site frames too)."""

    REPORT = (
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI"
        " + ' at ' + e.documentURI));"
    )

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, context):
        context.add_init_script(self.REPORT)
        context.on("console", self._console)
        return context

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.seen.append(message.text)


@pytest.fixture
def csp_violations():
    return CspViolations()


@pytest.fixture
def chat_page(browser, transactional_db):
    """A page on Parley's real ASGI entry under granian in this process: the chat stream is
    a native handler that pytest-django's (WSGI) live server does not serve."""
    from parley.asgi import application
    from parley.chat.tests.fake_provider import GranianThread

    with GranianThread(application) as server:
        context = browser.new_context(base_url=server.url)
        context.set_default_timeout(15_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield context.new_page()
        context.close()
