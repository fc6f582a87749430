"""Who may start a stream: a signed-in person, with the page's CSRF token, into their own
conversation. Everything else is refused before any model is called or anything saved."""

import json

import httpx
import pytest
from django.conf import settings

from parley.accounts import tokens
from parley.chat import conversations
from parley.chat.models import Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def test_without_a_session_the_stream_asks_to_log_in(chatter, live_asgi):
    conversation = chatter().new()
    # A new client: the CSRF pair of a fresh visitor, no session.
    anonymous = httpx.Client(base_url=live_asgi.url)
    page = anonymous.get("/accounts/login/")
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = anonymous.post(
        f"/chat/stream/{conversation}/",
        content=json.dumps({"content": "hi"}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 401
    assert response.json()["code"] == "login_required"
    assert not Message.objects.exists()


def test_a_missing_csrf_token_is_refused(chatter):
    person = chatter()
    conversation = person.new()
    response = person.http.post(
        f"/chat/stream/{conversation}/",
        content=json.dumps({"content": "hi"}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_request_from_another_origin_is_refused(chatter):
    person = chatter()
    conversation = person.new()
    with person.post_stream(
        conversation, {"content": "hi"}, Origin="https://evil.example"
    ) as response:
        response.read()
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not Message.objects.exists()


def test_no_one_can_stream_into_someone_elses_conversation(chatter, make_user):
    owner = chatter()
    conversation = owner.new()
    owner.send(conversation, "mine")
    intruder = chatter()

    status, body = intruder.send(conversation, "let me in")
    assert (status, body["code"]) == (404, "conversation_not_found")
    status, body = intruder.send(conversation, regenerate=True)
    assert status == 404
    assert Message.objects.count() == 2  # the owner's message and answer, nothing else


def test_a_logged_out_session_no_longer_streams(chatter):
    person = chatter()
    conversation = person.new()
    session = person.http.cookies[settings.SESSION_COOKIE_NAME]
    logout = person.http.post("/accounts/logout/", data={"csrfmiddlewaretoken": person.csrf})
    assert logout.status_code == 302
    # The browser would drop the cookie; a copy replayed after logout must not stream.
    person.http.cookies.set(settings.SESSION_COOKIE_NAME, session)
    status, body = person.send(conversation, "still there?")
    assert (status, body["code"]) == (401, "login_required")


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"content": 5}', b'{"content": "x", "model": "1"}', b"[]"],
)
def test_malformed_requests_are_refused_cleanly(chatter, body):
    person = chatter()
    conversation = person.new()
    response = person.http.post(
        f"/chat/stream/{conversation}/",
        content=body,
        headers={"Content-Type": "application/json", "X-CSRFToken": person.csrf},
    )
    assert response.status_code == 400
    assert not Message.objects.exists()


DEEP = b'{"content": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"


def test_a_deeply_nested_body_is_invalid_json_for_a_signed_in_person(chatter):
    person = chatter()
    response = person.http.post(
        f"/chat/stream/{person.new()}/",
        content=DEEP,
        headers={"Content-Type": "application/json", "X-CSRFToken": person.csrf},
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")
    assert "nests deeper than" in response.json()["message"]
    assert not Message.objects.exists()


def test_a_deeply_nested_body_is_invalid_json_for_a_bearer_token(live_asgi, make_user):
    user = make_user()
    _, secret = tokens.issue_user_token(user=user, lifetime_seconds=600)
    conversation = conversations.create_conversation(user=user)
    response = httpx.post(
        f"{live_asgi.url}/chat/stream/{conversation.public_id}/",
        content=DEEP,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")


@pytest.mark.parametrize(
    ("authorization", "code"),
    [(None, "login_required"), ("Bearer pu_sess_not-a-token", "token_invalid")],
)
def test_a_deeply_nested_body_from_a_stranger_is_refused_as_unauthenticated(
    chatter, live_asgi, authorization, code
):
    conversation = chatter().new()
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    anonymous = httpx.Client(base_url=live_asgi.url)
    page = anonymous.get("/accounts/login/")
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    headers["X-CSRFToken"] = token
    response = anonymous.post(f"/chat/stream/{conversation}/", content=DEEP, headers=headers)
    assert (response.status_code, response.json()["code"]) == (401, code)


def test_a_body_over_the_size_cap_is_refused_as_too_large(chatter):
    person = chatter()
    response = person.http.post(
        f"/chat/stream/{person.new()}/",
        content=b'{"content": "' + b"x" * 300_000 + b'"}',
        headers={"Content-Type": "application/json", "X-CSRFToken": person.csrf},
    )
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")


def test_an_empty_message_is_refused(chatter):
    person = chatter()
    status, body = person.send(person.new(), "   ")
    assert (status, body["message"]) == (422, "Type a message first.")


def test_only_post_starts_a_stream(chatter):
    person = chatter()
    assert person.http.get(f"/chat/stream/{person.new()}/").status_code == 405
