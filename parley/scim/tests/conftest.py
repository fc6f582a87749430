"""A SCIM token and a Django test client that speaks SCIM with it."""

import json

import pytest

SCIM_JSON = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimClient:
    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def request(self, method, path, body=None, *, raw=None, secret=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret or self.secret}"}
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        call = getattr(self.client, method.lower())
        return call(f"/scim/v2/{path}", data=data, content_type=SCIM_JSON, **headers)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, *operations, **kw):
        return self.request("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": operations})

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def create_user(self, user_name, **attributes):
        response = self.post(
            "Users", {"schemas": [USER_SCHEMA], "userName": user_name, **attributes}
        )
        assert response.status_code == 201, response.content
        return response.json()

    def create_group(self, name, *member_ids):
        body = {
            "schemas": [GROUP_SCHEMA],
            "displayName": name,
            "members": [{"value": member} for member in member_ids],
        }
        response = self.post("Groups", body)
        assert response.status_code == 201, response.content
        return response.json()


@pytest.fixture
def scim_token(db):
    from parley.scim import tokens

    token, secret = tokens.create_token(name="Okta production", created_by="test")
    return token, secret


@pytest.fixture
def scim(client, scim_token):
    return ScimClient(client, scim_token[1])
