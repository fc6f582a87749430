"""The chat widget on another site (DESIGN §6), in Chromium with third-party cookies blocked.

Parley runs under granian in this process (the frame streams answers from the native async
handler); the integrator's page is served by a tiny HTTP server at `localhost:<port>`, so
the widget frame at `127.0.0.1:<parley port>` is cross-site, as on a real customer site.
"""

import http.server
import json
import threading

import pytest
from playwright.sync_api import expect

from parley.chat.tests.fake_provider import GranianThread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

CHROMIUM = "/usr/bin/chromium"
EVENTS = ["ready", "open", "close", "login", "logout", "error"]


class HostSite:
    """The integrator's site: pages by path, plus /echo-cookies that shows the Cookie header
    it received (for proving that third-party cookies are really blocked)."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/echo-cookies":
                    body = f"<pre id=cookies>{self.headers.get('Cookie', '')}</pre>"
                else:
                    body = site.pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.origin = f"http://localhost:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def blocking_browser(browser):
    """A second Chromium, from the shared one's Playwright, that blocks third-party cookies
    (test_third_party_cookies_are_really_blocked checks that it does)."""
    blocking = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--test-third-party-cookie-phaseout",
        ],
    )
    yield blocking
    blocking.close()


@pytest.fixture
def parley(transactional_db, monkeypatch):
    from parley.asgi import application
    from parley.chat import demo

    monkeypatch.setattr(demo, "WORD_DELAY", 0)
    with GranianThread(application) as server:
        yield server


@pytest.fixture
def host():
    with HostSite() as site:
        yield site


@pytest.fixture
def context(blocking_browser):
    context = blocking_browser.new_context()
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def allow(db):
    from parley.widget import services

    def allow(*origins):
        services.update_widget_settings(
            allowed_origins=list(origins),
            title="Shop help",
            accent_color="#0f766e",
            position="bottom-right",
            open_on_load=False,
        )

    return allow


def host_page(parley, *, code="", extra_tags="", attributes=""):
    listen = "".join(
        f'addEventListener("parley:{name}", function (e) {{ events.push(Object.assign('
        f'{{name: "{name}"}}, e.detail)); }});'
        for name in EVENTS
    )
    code_attribute = f' data-external-auth-code="{code}"' if code else ""
    return f"""<!doctype html><html lang="en"><head><title>Shop</title>
<script>window.events = []; {listen}</script>
<script defer{code_attribute}{attributes} src="{parley.url}/widget.js"></script>
</head><body><h1>Our shop</h1>{extra_tags}</body></html>"""


def events_named(page, name):
    return page.evaluate("(n) => events.filter((e) => e.name === n)", name)


def wait_for_event(page, name, count=1):
    page.wait_for_function(
        "([n, c]) => events.filter((e) => e.name === n).length >= c", arg=[name, count]
    )
    return events_named(page, name)


def widget_frame(page, index=0):
    return page.frame_locator(f'iframe[data-parley-frame="{index}"]')


def test_third_party_cookies_are_really_blocked(context, host):
    host.pages["/embed"] = f'<iframe src="http://127.0.0.1:{host.port}/echo-cookies"></iframe>'
    context.add_cookies(
        [
            {
                "name": "probe",
                "value": "1",
                "domain": "127.0.0.1",
                "path": "/",
                "sameSite": "None",
                "secure": True,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{host.port}/echo-cookies")  # first-party: sent
    expect(page.locator("#cookies")).to_have_text("probe=1")
    page.goto(f"{host.origin}/embed")  # the same cookie from a cross-site frame: not sent
    frame = page.frame_locator("iframe")
    expect(frame.locator("#cookies")).to_have_text("")


def test_a_person_chats_as_the_jwt_user_on_another_site(
    context, parley, host, mint, allow, csp_violations
):
    from parley.chat.models import Conversation

    allow(host.origin)
    code = mint({"user": {"id": "shop-42", "email": "kim@example.com"}})
    host.pages["/"] = host_page(parley, code=code)
    csp_violations.watch(context)
    page = context.new_page()
    page.goto(host.origin + "/")
    assert code not in page.locator('iframe[data-parley-frame="0"]').get_attribute("src")
    logins = wait_for_event(page, "login")
    assert logins[0]["user"] == {"id": "shop-42", "email": "kim@example.com", "name": ""}
    assert events_named(page, "ready")

    page.get_by_role("button", name="Open Shop help").click()
    frame = widget_frame(page)
    expect(frame.locator("#who")).to_have_text("kim@example.com")
    frame.get_by_label("Message").fill("Hello from the shop")
    frame.get_by_role("button", name="Send").click()
    expect(frame.locator(".msg-user")).to_have_text("Hello from the shop")
    answer = frame.locator(".msg-assistant")
    expect(answer).not_to_have_class("streaming", timeout=15_000)
    expect(answer).not_to_be_empty()
    # The admin's colour, set by frame.js now that the frame's CSP allows no inline style.
    expect(frame.get_by_role("button", name="Send")).to_have_css(
        "background-color", "rgb(15, 118, 110)"
    )
    assert csp_violations.seen == []

    conversation = Conversation.objects.get()
    assert conversation.user.public_id == "shop-42"
    assert [m.role for m in conversation.messages.all()] == ["user", "assistant"]
    # No cookie was needed: the frame holds a bearer token in memory.
    assert not [c for c in context.cookies() if c["name"] == "parley_session"]


def test_window_parley_drives_the_widget(context, parley, host, mint, allow):
    allow(host.origin)
    host.pages["/"] = host_page(parley, code=mint({"user": {"id": "first"}}))
    page = context.new_page()
    page.goto(host.origin + "/")
    wait_for_event(page, "login")
    panel = page.locator('[data-parley-panel="0"]')

    page.evaluate("Parley.open()")
    expect(panel).to_be_visible()
    wait_for_event(page, "open")
    page.evaluate("Parley.close()")
    expect(panel).to_be_hidden()
    wait_for_event(page, "close")
    page.evaluate("Parley.toggle()")
    expect(panel).to_be_visible()
    wait_for_event(page, "open", 2)
    page.evaluate("Parley.toggle()")
    wait_for_event(page, "close", 2)

    second = mint({"user": {"id": "second", "email": "sam@example.com"}})
    page.evaluate("(code) => Parley.setExternalAuthCode(code)", second)
    logins = wait_for_event(page, "login", 2)
    assert logins[-1]["user"]["id"] == "second"
    expect(widget_frame(page).locator("#who")).to_have_text("sam@example.com")

    page.evaluate("Parley.logout()")
    wait_for_event(page, "logout")
    expect(widget_frame(page).locator("#widget")).to_have_attribute("data-state", "signed-out")

    from parley.accounts.models import UserToken

    assert UserToken.objects.get(user__public_id="second").revoked_at is not None

    # Parley.on listens too.
    page.evaluate("Parley.on('open', function (d) { window.heard = d.widget; })")
    page.evaluate("Parley.open()")
    page.wait_for_function("window.heard === 0")


def test_two_widgets_on_one_page_are_independent(context, parley, host, mint, allow):
    allow(host.origin)
    code = mint({"user": {"id": "two"}})
    page_html = host_page(parley, code=code)
    second_tag = (
        '<script defer data-title="Sales" data-position="bottom-left" '
        f'src="{parley.url}/widget.js"></script>'
    )
    host.pages["/"] = page_html.replace("</head>", second_tag + "</head>")
    page = context.new_page()
    page.goto(host.origin + "/")
    wait_for_event(page, "ready", 2)
    assert page.evaluate("Parley.instances.length") == 2
    page.get_by_role("button", name="Open Sales").click()
    expect(page.locator('[data-parley-panel="1"]')).to_be_visible()
    expect(page.locator('[data-parley-panel="0"]')).to_be_hidden()
    page.evaluate("Parley.instances[1].close(); Parley.instances[0].open()")
    expect(page.locator('[data-parley-panel="0"]')).to_be_visible()
    expect(page.locator('[data-parley-panel="1"]')).to_be_hidden()


def test_a_bad_code_shows_an_error_in_the_panel_and_creates_nothing(
    context, parley, host, mint, allow
):
    from parley.accounts.models import User, UserToken
    from parley.audit.models import AuthEvent

    allow(host.origin)
    expired = mint({"user": {"id": "late"}}, expires_in=-3600)
    host.pages["/"] = host_page(parley, code=expired, attributes=' data-open-on-load="true"')
    page = context.new_page()
    page.goto(host.origin + "/")
    errors = wait_for_event(page, "error")
    assert errors[0]["code"] == "token_expired"
    frame = widget_frame(page)
    expect(frame.locator("#error")).to_be_visible()
    expect(frame.locator("#error")).to_contain_text("Reference:")
    expect(frame.locator("#composer")).to_be_hidden()
    assert not events_named(page, "login")
    assert not User.objects.filter(public_id="late").exists()
    assert not UserToken.objects.exists()
    assert AuthEvent.objects.get().reason == "token_expired"  # audited like a URL login


def test_a_site_that_is_not_allowed_cannot_embed_the_frame(context, parley, host, mint, allow):
    from parley.accounts.models import User

    allow("https://shop.example.com")
    host.pages["/"] = host_page(parley, code=mint({"user": {"id": "nope"}}))
    page = context.new_page()
    refusals = []
    page.on("console", lambda m: "frame-ancestors" in m.text and refusals.append(m.text))
    page.goto(host.origin + "/")
    errors = wait_for_event(page, "error")
    assert errors[0]["code"] == "origin_not_allowed"
    assert refusals, "Chromium reports the frame-ancestors refusal"
    assert not events_named(page, "ready")
    assert not User.objects.filter(public_id="nope").exists()
    page.evaluate("Parley.open()")
    notice = page.locator("[data-parley-notice]")
    expect(notice).to_contain_text(f"This site ({host.origin}) is not allowed")
    expect(notice).to_contain_text("Admin panel → Widget → Allowed embedding origins")


def test_messages_from_other_origins_or_frames_are_ignored(context, parley, host, mint, allow):
    from parley.accounts.models import User

    allow(host.origin, "https://allowed.example")
    sibling = f'<iframe id="sibling" src="http://127.0.0.1:{host.port}/sibling"></iframe>'
    host.pages["/"] = host_page(parley, extra_tags=sibling)
    host.pages["/sibling"] = "<p>another site's frame</p>"
    page = context.new_page()
    logins = []  # every code the frame sends to log in with, in order
    page.on("request", lambda r: r.url.endswith("/widget/login/") and logins.append(r.post_data))
    page.goto(host.origin + "/")
    wait_for_event(page, "ready")
    frame = page.frame(url=f"{parley.url}/widget/frame/")

    def synthetic(origin, user_id, *, from_parent=True, kind="code"):
        frame.evaluate(
            """([origin, code, fromParent, kind]) => window.dispatchEvent(new MessageEvent(
                "message", {origin: origin, source: fromParent ? window.parent : window,
                            data: {parley: 1, type: kind, code: code}}))""",
            [origin, mint({"user": {"id": user_id}}), from_parent, kind],
        )

    for origin in (
        "https://allowed.example.evil.io",  # look-alike
        "https://allowed.exampl",  # prefix of an allowed origin
        "https://allowed.example.",
        f"http://localhost:{host.port}0",  # an allowed origin as a prefix
        "http://localhost",
        "null",
        "",
    ):
        for kind in ("init", "code"):
            synthetic(origin, "ignored", kind=kind)
    synthetic(host.origin, "ignored", from_parent=False)  # right origin, wrong window
    # A real message from a sibling frame on another site, aimed at the widget frame.
    page.frame(url=f"http://127.0.0.1:{host.port}/sibling").evaluate(
        """([code, target]) => { for (let i = 0; i < parent.frames.length; i++)
            parent.frames[i].postMessage({parley: 1, type: "init", code}, target); }""",
        [mint({"user": {"id": "ignored"}}), parley.url],
    )

    # The control: the same message from the parent page itself, after all the others, is
    # obeyed; a message obeyed before it would have sent its code to log in first.
    control = mint({"user": {"id": "obeyed"}})
    page.evaluate(
        """([code, target]) => document.querySelector("iframe[data-parley-frame]")
            .contentWindow.postMessage({parley: 1, type: "code", code}, target)""",
        [control, parley.url],
    )
    [login] = wait_for_event(page, "login")
    assert login["user"]["id"] == "obeyed"
    assert [json.loads(body)["code"] for body in logins] == [control]
    assert not User.objects.filter(public_id="ignored").exists()
