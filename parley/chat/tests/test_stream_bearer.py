"""The stream also takes a user's bearer token (the widget frame's): no session and no CSRF
token needed, and still only into that user's own conversations."""

import json

import httpx
import pytest

from parley.accounts import tokens
from parley.chat import conversations
from parley.chat.models import Message

from .conftest import answer_text, parse_events

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def stream(base_url, conversation, token, **headers):
    response = httpx.post(
        f"{base_url}/chat/stream/{conversation}/",
        content=json.dumps({"content": "hello there"}),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", **headers},
        timeout=15,
    )
    if response.headers["content-type"].startswith("text/event-stream"):
        return response.status_code, parse_events(response.text)
    return response.status_code, response.json()


def test_a_bearer_token_streams_without_session_or_csrf(live_asgi, make_user):
    user = make_user()
    _, secret = tokens.issue_user_token(user=user, lifetime_seconds=600)
    conversation = conversations.create_conversation(user=user)
    status, events = stream(live_asgi.url, conversation.public_id, secret)
    assert status == 200
    assert events[-1][0] == "done" and answer_text(events)
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_bearer_request_from_another_origin_needs_no_csrf(live_asgi, make_user):
    # A token is never sent by a browser on its own, so the Origin does not matter.
    user = make_user()
    _, secret = tokens.issue_user_token(user=user, lifetime_seconds=600)
    conversation = conversations.create_conversation(user=user)
    status, _ = stream(live_asgi.url, conversation.public_id, secret, Origin="https://x.example")
    assert status == 200


@pytest.mark.parametrize(
    ("secret", "code"),
    [("pu_sess_unknown", "token_invalid"), ("pk_live_admin", "user_token_required")],
)
def test_an_unknown_token_or_an_admin_key_is_refused(live_asgi, make_user, secret, code):
    conversation = conversations.create_conversation(user=make_user())
    status, body = stream(live_asgi.url, conversation.public_id, secret)
    assert (status, body["code"]) in ((401, code), (403, code))
    assert not Message.objects.exists()


def test_an_expired_or_revoked_token_is_refused(live_asgi, make_user):
    user = make_user()
    token, secret = tokens.issue_user_token(user=user, lifetime_seconds=600)
    conversation = conversations.create_conversation(user=user)
    tokens.revoke_user_token(token=token)
    status, body = stream(live_asgi.url, conversation.public_id, secret)
    assert (status, body["code"]) == (401, "token_invalid")
    _, expired = tokens.issue_user_token(user=user, lifetime_seconds=600)
    type(token).objects.filter(revoked_at__isnull=True).update(expires_at="2000-01-01T00:00Z")
    status, body = stream(live_asgi.url, conversation.public_id, expired)
    assert (status, body["code"]) == (401, "session_expired")
    assert not Message.objects.exists()


def test_a_token_cannot_stream_into_someone_elses_conversation(live_asgi, make_user):
    owner, intruder = make_user(), make_user()
    conversation = conversations.create_conversation(user=owner)
    _, secret = tokens.issue_user_token(user=intruder, lifetime_seconds=600)
    status, body = stream(live_asgi.url, conversation.public_id, secret)
    assert (status, body["code"]) == (404, "conversation_not_found")
    assert not Message.objects.exists()


@pytest.mark.parametrize("scheme", ["bearer", "BEARER "])
def test_the_bearer_header_is_read_as_the_api_reads_it(live_asgi, make_user, scheme):
    # The scheme is case-insensitive (RFC 9110 §11): such a request is the token's, not a
    # cookie request that fails its CSRF check.
    user = make_user()
    _, secret = tokens.issue_user_token(user=user, lifetime_seconds=600)
    conversation = conversations.create_conversation(user=user)
    response = httpx.post(
        f"{live_asgi.url}/chat/stream/{conversation.public_id}/",
        content=json.dumps({"content": "hello there"}),
        headers={"Content-Type": "application/json", "Authorization": f"{scheme} {secret}"},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    assert parse_events(response.text)[-1][0] == "done"
