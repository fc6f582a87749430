"""The chat stream route, called through Parley's ASGI entry (`parley.asgi.application`):
a websocket is never accepted there and starts nothing, and a signed-in person's request
under a Host Parley does not serve — sent or forwarded — is refused before the stream."""

import asyncio
import ipaddress
import json

import httpx
import pytest
from django.conf import settings
from django.test import Client

from parley.chat import conversations
from parley.chat.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


def _websocket(path: str, host: bytes) -> list[dict]:
    """What the entry sends for a websocket handshake on `path`; it must return on its own."""
    from parley.asgi import application

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", host), (b"origin", b"http://" + host)],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "subprotocols": [],
    }
    events = [{"type": "websocket.connect"}]
    sent = []

    async def receive():
        if events:
            return events.pop(0)
        await asyncio.Event().wait()  # no more client messages: the app must not wait for any

    async def send(message):
        sent.append(message)

    asyncio.run(asyncio.wait_for(application(scope, receive, send), timeout=5))
    return sent


@pytest.mark.parametrize("host", [b"127.0.0.1:8000", b"evil.test"])
def test_a_websocket_on_the_stream_route_is_never_accepted_and_starts_nothing(host, make_user):
    conversation = conversations.create_conversation(user=make_user())
    sent = _websocket(f"/chat/stream/{conversation.public_id}/", host)
    assert not any(message["type"] == "websocket.accept" for message in sent), sent
    assert not any(message["type"].startswith("http.") for message in sent), sent
    assert not Message.objects.exists()


def test_a_websocket_anywhere_else_is_closed_without_being_accepted(db):
    assert _websocket("/", b"127.0.0.1:8000") == [{"type": "websocket.close", "code": 1000}]


class SignedIn:
    """A signed-in person's session cookie and CSRF pair, as the chat page would send."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        client.get("/")
        self.cookies = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: client.cookies[settings.CSRF_COOKIE_NAME].value,
        }
        self.csrf = client.cookies[settings.CSRF_COOKIE_NAME].value


def _post_stream(person: SignedIn, conversation: str, headers: dict) -> httpx.Response:
    from parley.asgi import application

    async def go():
        transport = httpx.ASGITransport(app=application)  # the client is 127.0.0.1
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8000", cookies=person.cookies
        ) as client:
            return await client.post(
                f"/chat/stream/{conversation}/",
                content=json.dumps({"content": "hi"}),
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": person.csrf,
                    **headers,
                },
            )

    return asyncio.run(go())


@pytest.fixture
def person(make_user):
    user = make_user()
    return SignedIn(user), conversations.create_conversation(user=user).public_id


def test_a_signed_in_request_under_another_host_is_refused_before_the_stream(person):
    signed_in, conversation = person
    response = _post_stream(signed_in, conversation, {"Host": "evil.test"})
    assert (response.status_code, response.json()["code"]) == (400, "bad_host")
    assert not Message.objects.exists()


def test_a_forwarded_host_from_the_trusted_proxy_is_checked_too(person, behind_proxy):
    signed_in, conversation = person
    response = _post_stream(signed_in, conversation, {"X-Forwarded-Host": "evil.test"})
    assert (response.status_code, response.json()["code"]) == (400, "bad_host")
    assert not Message.objects.exists()


def test_a_forwarded_host_from_an_untrusted_client_is_ignored(person, settings):
    settings.PARLEY_BEHIND_PROXY = settings.USE_X_FORWARDED_HOST = True
    settings.PARLEY_TRUSTED_PROXIES = [ipaddress.ip_network("10.9.9.9/32")]  # not 127.0.0.1
    signed_in, conversation = person
    response = _post_stream(signed_in, conversation, {"X-Forwarded-Host": "evil.test"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
