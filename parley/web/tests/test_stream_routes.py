"""Stream routes registered by the apps (parley/web/streams.py) reach their handlers only
through Django's host and forwarded-header rules; every other path is a Django page."""

import asyncio

import httpx
import pytest

from parley.asgi import application
from parley.web import streams

pytestmark = pytest.mark.django_db(transaction=True)  # pages run in worker threads


def _request(method, path, *, host="127.0.0.1:8000", headers=None):
    async def go():
        transport = httpx.ASGITransport(app=application, client=("203.0.113.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.request(method, path, headers={"Host": host, **(headers or {})})

    return asyncio.run(go())


@pytest.fixture
def test_route(monkeypatch):
    """A stream route at /test-stream/ that answers with what it saw; gone after the test."""
    monkeypatch.setattr(streams, "_routes", dict(streams._routes))
    monkeypatch.setattr(streams, "_prefixes", streams._prefixes)
    seen = []

    async def handler(scope, receive, send):
        seen.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"streamed"})

    streams.register_stream_route("/test-stream/", handler)
    return seen


def test_a_registered_route_refuses_another_host_before_its_handler_runs(test_route):
    response = _request("GET", "/test-stream/x", host="evil.test")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_host"
    assert test_route == []


def test_a_registered_route_never_sees_forwarded_headers_from_an_untrusted_peer(test_route):
    response = _request("GET", "/test-stream/x", headers={"X-Forwarded-Host": "evil.test"})
    assert response.content == b"streamed"
    assert b"x-forwarded-host" not in dict(test_route[0]["headers"])


@pytest.mark.parametrize("path", ["/test-stream", "/test-streamed/", "/other/test-stream/"])
def test_a_path_that_only_looks_like_the_prefix_is_a_django_page(test_route, path):
    response = _request("GET", path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert test_route == []


def test_every_path_under_the_prefix_goes_to_its_route(test_route):
    assert _request("GET", "/test-stream/a/b/c?q=1").content == b"streamed"
    assert test_route[0]["path"] == "/test-stream/a/b/c"


def test_an_unknown_path_under_the_chat_stream_is_the_streams_own_404_after_the_host_check():
    assert _request("POST", "/chat/stream/abc/extra/", host="evil.test").status_code == 400
    response = _request("POST", "/chat/stream/abc/extra/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_chat_stream_without_its_trailing_slash_is_a_django_page():
    response = _request("GET", "/chat/stream")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("prefix", ["/test-stream", "test-stream/", "/chat/stream/"])
def test_a_prefix_that_would_catch_other_paths_or_is_taken_is_refused(monkeypatch, prefix):
    monkeypatch.setattr(streams, "_routes", dict(streams._routes))
    monkeypatch.setattr(streams, "_prefixes", streams._prefixes)
    with pytest.raises(ValueError):
        streams.register_stream_route(prefix, object())
