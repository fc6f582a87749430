"""The frame's conversation endpoints: bearer token only, the token's own user's conversations."""

import json

import pytest

from parley.accounts import services as accounts
from parley.accounts.models import User
from parley.chat.models import Conversation


def token_for(client, mint, user_id):
    response = client.post(
        "/widget/login/",
        json.dumps({"code": mint({"user": {"id": user_id}})}),
        content_type="application/json",
    )
    return response.json()["token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_conversations_made_in_the_widget_belong_to_the_jwt_user(client, mint):
    token = token_for(client, mint, "jwt-owner")
    created = client.post("/widget/conversations/", **bearer(token))
    assert created.status_code == 201
    conversation = Conversation.objects.get(public_id=created.json()["id"])
    assert conversation.user.public_id == "jwt-owner"
    listed = client.get("/widget/conversations/", **bearer(token)).json()["conversations"]
    assert [c["id"] for c in listed] == [conversation.public_id]
    one = client.get(f"/widget/conversations/{conversation.public_id}/", **bearer(token))
    assert one.status_code == 200 and one.json()["messages"] == []


def test_another_users_token_sees_none_of_them(client, mint):
    owner = token_for(client, mint, "owner")
    conversation = client.post("/widget/conversations/", **bearer(owner)).json()["id"]
    other = token_for(client, mint, "other")
    assert client.get("/widget/conversations/", **bearer(other)).json()["conversations"] == []
    response = client.get(f"/widget/conversations/{conversation}/", **bearer(other))
    assert (response.status_code, response.json()["code"]) == (404, "conversation_not_found")


def test_without_a_valid_token_nothing_is_listed_or_created(client, admin_client, db):
    assert client.get("/widget/conversations/").status_code == 401
    assert client.post("/widget/conversations/", **bearer("pu_sess_nope")).status_code == 401
    # A session cookie is not enough: the frame's endpoints take only bearer tokens.
    assert admin_client.post("/widget/conversations/").status_code == 401
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("header", ["bearer {}", "BEARER  {}"])
def test_the_bearer_header_is_read_as_the_api_reads_it(client, mint, header):
    # The scheme is case-insensitive (RFC 9110 §11); the API always took it in any case.
    token = token_for(client, mint, "any-case")
    response = client.post("/widget/conversations/", HTTP_AUTHORIZATION=header.format(token))
    assert response.status_code == 201, response.content
    assert Conversation.objects.get().user.public_id == "any-case"


def test_a_deactivated_users_token_is_refused_with_the_apis_code(client, mint):
    token = token_for(client, mint, "gone")
    accounts.deactivate_user(user=User.objects.get(public_id="gone"))
    response = client.get("/widget/conversations/", **bearer(token))
    assert (response.status_code, response.json()["code"]) == (403, "user_deactivated")
