"""The create requests Okta and Microsoft Entra ID send, as their documentation shows them,
create the person; Entra's connection test finds no one."""

from parley.accounts.models import User


def test_entra_create_request_creates_the_person(scim):
    response = scim.post(
        "Users",
        {
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            ],
            "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
            "active": True,
            "emails": [{"primary": True, "type": "work", "value": "test.user@contoso.com"}],
            "meta": {"resourceType": "User"},
            "name": {
                "formatted": "givenName familyName",
                "familyName": "familyName",
                "givenName": "givenName",
            },
            "roles": [],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"},
        },
    )
    assert response.status_code == 201, response.content
    user = User.objects.get()
    assert (user.public_id, user.email, user.name) == (
        "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "test.user@contoso.com",
        "givenName familyName",
    )


def test_okta_create_request_creates_the_person(scim):
    response = scim.post(
        "Users",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "test.user@okta.local",
            "name": {"givenName": "Test", "familyName": "User"},
            "emails": [{"primary": True, "value": "test.user@example.com", "type": "work"}],
            "displayName": "Test User",
            "locale": "en-US",
            "externalId": "00ujl29u0le5T6Aj10h7",
            "groups": [],
            "password": "1mz050nq",
            "active": True,
        },
    )
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    user = User.objects.get()
    assert (user.email, user.name) == ("test.user@example.com", "Test User")
    assert "1mz050nq" not in str(user.scim.attributes)


def test_entras_connection_test_finds_no_one(scim):
    response = scim.get('Users?filter=userName eq "a0f2fbd0-3e4c-4e1a-9f11-d2b1e4b8a2a1"')
    assert response.status_code == 200
    assert response.json()["totalResults"] == 0
