"""Chat test fixtures: the fake provider, Parley's ASGI entry on a real port, and a
logged-in HTTP client that talks to both the pages and the stream like the page's script."""

import json
import re

import httpx
import pytest
from django.conf import settings

from parley.chat import demo
from parley.chat.tests.fake_provider import GOOD_KEY, GranianThread


@pytest.fixture(autouse=True)
def instant_demo(monkeypatch):
    monkeypatch.setattr(demo, "WORD_DELAY", 0)


@pytest.fixture(scope="session")
def live_asgi(django_db_setup, django_db_blocker):
    """parley.asgi.application (pages and the chat stream) under granian, as in production."""
    from parley.asgi import application

    with GranianThread(application) as server:
        yield server


@pytest.fixture
def provider_model(fake_provider):
    """A model on the fake provider; the model name picks its behaviour (fake_provider.py)."""
    from parley.chat import catalogue

    def make(name="normal", *, timeout=2, key=GOOD_KEY):
        provider = catalogue.save_provider(
            provider=None,
            name=f"Fake {name}",
            base_url=fake_provider.url + "/v1",
            api_key=key,
            timeout_seconds=timeout,
            model_names=[name],
        )
        return provider.models.get()

    return make


class Chatter:
    """A signed-in person, speaking HTTP to the live server as the chat page does."""

    def __init__(self, base_url: str, user):
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.user = user
        self.http = httpx.Client(base_url=base_url, timeout=15)
        self.http.cookies.set(
            settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
        )
        page = self.http.get("/")
        assert page.status_code == 200, page.status_code
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    def new(self, model=None) -> str:
        data = {"csrfmiddlewaretoken": self.csrf}
        if model is not None:
            data["model"] = str(model.pk)
        response = self.http.post("/chat/new/", data=data, headers={"Accept": "application/json"})
        assert response.status_code == 200, response.text
        return response.json()["id"]

    def post_stream(self, conversation: str, payload: dict, **headers):
        return self.http.stream(
            "POST",
            f"/chat/stream/{conversation}/",
            content=json.dumps(payload),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf, **headers},
        )

    def send(self, conversation: str, content: str | None = None, **payload):
        """(HTTP status, [(event, data), ...]) for one message or regeneration."""
        if content is not None:
            payload["content"] = content
        with self.post_stream(conversation, payload) as response:
            response.read()
            if not response.headers["content-type"].startswith("text/event-stream"):
                return response.status_code, response.json()
            return response.status_code, parse_events(response.text)


def parse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        name = re.search(r"^event: (.+)$", block, re.M)[1]
        data = json.loads(re.search(r"^data: (.+)$", block, re.M)[1])
        events.append((name, data))
    return events


def answer_text(events) -> str:
    return "".join(data["t"] for name, data in events if name == "token")


@pytest.fixture
def chatter(live_asgi, make_user):
    def make(user=None):
        return Chatter(live_asgi.url, user or make_user())

    return make
