"""axe-core finds no critical or serious accessibility problem on any page: the login
pages, the chat, every admin page, the error pages and the widget frame.

axe-core is vendored in tests/browser/vendor (never served by Parley) and injected into
each page by Playwright, which is not bound by the page's Content-Security-Policy."""

from pathlib import Path

import pytest

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"critical", "serious"}
pytestmark = pytest.mark.django_db(transaction=True)


def problems(page) -> list[str]:
    """The critical and serious violations on the page as it stands, one line per node."""
    page.evaluate(AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {v['impact']} {v['id']}: {v['help']} at {node['target']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def scan(page, url) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return problems(page)


def test_login_pages(page, live_server):
    found = []
    for path in ("/accounts/login/", "/accounts/signup/"):
        found += scan(page, live_server.url + path)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Email").press("Enter")
    page.wait_for_load_state("networkidle")
    found += problems(page)  # the "enter your code" page
    assert found == [], "\n".join(found)


def test_chat_pages(page, live_server, make_user, login_as):
    from parley.chat import conversations, markdown
    from parley.chat.models import Message

    person = make_user()
    login_as(person)
    found = scan(page, live_server.url + "/")
    conversation = conversations.create_conversation(user=person)
    Message.objects.create(conversation=conversation, role="user", content="Show me code")
    text = "Here:\n\n```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    for _ in range(2):  # two versions: the ‹ 1/2 › browser shows
        Message.objects.create(
            conversation=conversation,
            role="assistant",
            content=text,
            html=markdown.render(text),
            model_label="Demo",
            prompt_tokens=3,
            completion_tokens=9,
        )
    first = Message.objects.filter(role="assistant").order_by("id").first()
    Message.objects.filter(pk=first.pk).update(superseded=True)
    found += scan(page, f"{live_server.url}/c/{conversation.public_id}/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Conversations").click()
    found += problems(page)  # the open drawer on a phone
    assert found == [], "\n".join(found)


def test_admin_pages(page, live_server, admin_user, login_as, make_user, make_group, secret):
    from parley.chat.models import Conversation
    from parley.sso import saml_services
    from parley.sso.tests import saml_builder

    member = make_user(email="member@example.com")
    cert = saml_builder.make_key_and_cert()[1]
    corp = saml_services.add_saml_provider(
        fields=saml_services.SamlFields(name="Corp", metadata_xml=saml_builder.metadata_xml(cert))
    )
    group = make_group("Sales", member)
    Conversation.objects.create(user=member, public_id="c1", title="x")
    login_as(admin_user)
    paths = [
        "/admin/",
        "/admin/add-user/",
        f"/admin/users/{member.public_id}/",
        "/admin/seats/",
        "/admin/groups/",
        f"/admin/groups/{group.pk}/",
        "/admin/models/",
        "/admin/authentication/",
        "/admin/authentication/jwt/",
        "/admin/token-tester/",
        "/admin/integration/",
        "/admin/usage/",
        f"/admin/usage/{member.public_id}/",
        "/admin/audit/",
        "/admin/api-keys/",
        "/admin/widget/",
        "/admin/authentication/sso/",
        "/admin/authentication/sso/add/",
        "/admin/authentication/sso/add-saml/",
        f"/admin/authentication/sso/{corp.pk}/",
        "/admin/provisioning/",
        "/admin/branding/",
        "/account/",
        "/account/edit/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
    ]
    found = []
    for path in paths:
        found += scan(page, live_server.url + path)
    assert found == [], "\n".join(found)


def test_error_pages_and_the_widget_frame(page, live_server, secret):
    found = scan(page, live_server.url + "/no-such-page/")
    found += scan(page, live_server.url + "/?externalAuthCode=not-a-code")
    found += scan(page, live_server.url + "/widget/frame/")
    assert found == [], "\n".join(found)
