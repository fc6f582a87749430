"""SCIM Users map onto Parley's people: userName and emails give the email, externalId the
public id a JWT names, displayName or name the display name; filters and pages find them."""

import pytest

from parley.accounts.models import CreatedVia, Status, User

from .conftest import USER_SCHEMA


def test_a_created_user_has_the_email_public_id_and_name_the_identity_provider_sent(scim):
    created = scim.create_user(
        "ann@example.com",
        externalId="emp-42",
        name={"givenName": "Ann", "familyName": "Lee"},
        emails=[{"value": "Ann.Lee@Example.com", "type": "work", "primary": True}],
    )
    user = User.objects.get(public_id="emp-42")
    assert (user.email, user.name, user.status) == ("Ann.Lee@example.com", "Ann Lee", "active")
    assert user.created_via == CreatedVia.SCIM
    assert created["id"] == str(user.pk)
    assert created["externalId"] == "emp-42"
    assert created["userName"] == "ann@example.com"
    assert scim.get(f"Users/{user.pk}").json()["name"] == {"givenName": "Ann", "familyName": "Lee"}


def test_without_emails_an_email_like_user_name_is_the_email(scim):
    scim.create_user("bob@example.com", displayName="Bob")
    user = User.objects.get(email="bob@example.com")
    assert user.name == "Bob"
    assert user.public_id  # a new public id when no externalId was sent


def test_the_person_scim_made_logs_in_by_jwt_with_the_external_id(scim, client, mint):
    scim.create_user("cy@example.com", externalId="crm-9")
    client.logout()
    response = client.get(f"/?externalAuthCode={mint({'user': {'id': 'crm-9'}})}")
    assert response.status_code == 303
    assert User.objects.count() == 1
    assert client.session["_auth_user_id"] == str(User.objects.get(public_id="crm-9").pk)


def test_a_user_the_token_did_not_create_can_be_found_and_changed(scim, make_user):
    person = make_user(email="dee@example.com")
    found = scim.get('Users?filter=userName eq "DEE@example.com"').json()
    assert [r["id"] for r in found["Resources"]] == [str(person.pk)]
    response = scim.patch(
        f"Users/{person.pk}", {"op": "replace", "path": "displayName", "value": "Dee"}
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.name == "Dee"


def test_a_taken_user_name_or_external_id_is_a_uniqueness_error_and_creates_nothing(
    scim, make_user
):
    make_user(email="eve@example.com", public_id="emp-1")
    for body in (
        {"userName": "eve@example.com"},
        {"userName": "x@example.com", "externalId": "emp-1"},
    ):
        response = scim.post("Users", {"schemas": [USER_SCHEMA], **body})
        assert response.status_code == 409
        assert response.json()["scimType"] == "uniqueness"
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"userName": ""},
        {"userName": "a@example.com", "emails": [{"value": "not an email", "primary": True}]},
        {"userName": "a@example.com", "externalId": "bad\u200bid"},
        {"userName": "a@example.com", "displayName": "x" * 201},
    ],
)
def test_invalid_values_are_a_scim_400_and_create_nothing(scim, body):
    response = scim.post("Users", {"schemas": [USER_SCHEMA], **body})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/scim+json"
    error = response.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["scimType"] in ("invalidValue", "invalidSyntax") and error["detail"]
    assert User.objects.count() == 0


def _ids(scim, query):
    response = scim.get(f"Users?{query}")
    assert response.status_code == 200, response.content
    return sorted(r["userName"] for r in response.json()["Resources"])


@pytest.fixture
def people(scim):
    scim.create_user("ann@example.com", externalId="emp-1", displayName="Ann Lee")
    scim.create_user("anna@sales.example.com", externalId="emp-2", displayName="Anna Berg")
    scim.create_user("bob@example.com", externalId="ext-3")
    scim.create_user("kim", emails=[{"value": "kim@example.com", "primary": True}])


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('userName eq "ANN@example.com"', ["ann@example.com"]),
        ('userName sw "ann"', ["ann@example.com", "anna@sales.example.com"]),
        ('userName co "sales"', ["anna@sales.example.com"]),
        ('externalId eq "emp-2"', ["anna@sales.example.com"]),
        ('externalId sw "emp-"', ["ann@example.com", "anna@sales.example.com"]),
        ('emails eq "kim@example.com"', ["kim"]),
        ('emails.value co "kim@"', ["kim"]),
        ('emails[value eq "kim@example.com"]', ["kim"]),
        ('displayName eq "ann lee"', ["ann@example.com"]),
        ("displayName pr", ["ann@example.com", "anna@sales.example.com"]),
        ('displayName sw "Ann" and externalId eq "emp-2"', ["anna@sales.example.com"]),
        ('externalId eq "ext-3" or userName eq "kim"', ["bob@example.com", "kim"]),
        ('not (userName co "example")', ["kim"]),
        ("active eq true", ["ann@example.com", "anna@sales.example.com", "bob@example.com", "kim"]),
    ],
)
def test_filters_find_the_people_they_name(scim, people, expression, expected):
    assert _ids(scim, f"filter={expression}") == expected


@pytest.mark.parametrize(
    "expression", ["userName eq", 'nickName eq "x"', "userName gt 3", 'active eq "yes"']
)
def test_a_filter_parley_cannot_apply_is_an_invalid_filter_error(scim, people, expression):
    response = scim.get(f"Users?filter={expression}")
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_pages_follow_start_index_and_count(scim, people):
    first = scim.get("Users?startIndex=1&count=3").json()
    assert (first["totalResults"], first["startIndex"], first["itemsPerPage"]) == (4, 1, 3)
    rest = scim.get("Users?startIndex=4&count=3").json()
    assert (rest["startIndex"], rest["itemsPerPage"]) == (4, 1)
    names = [r["userName"] for r in first["Resources"] + rest["Resources"]]
    assert sorted(names) == ["ann@example.com", "anna@sales.example.com", "bob@example.com", "kim"]
    assert scim.get("Users?count=0").json()["totalResults"] == 4
    assert scim.get("Users?startIndex=9").json()["itemsPerPage"] == 0


def test_post_search_filters_and_selects_attributes(scim, people):
    response = scim.post(
        "Users/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName sw "bob"',
            "attributes": ["userName"],
        },
    )
    assert response.status_code == 200
    [found] = response.json()["Resources"]
    assert found["userName"] == "bob@example.com" and "emails" not in found


def test_put_replaces_the_users_attributes(scim):
    created = scim.create_user("fay@example.com", externalId="emp-5", displayName="Fay")
    response = scim.put(
        f"Users/{created['id']}",
        {
            "schemas": [USER_SCHEMA],
            "userName": "fay.new@example.com",
            "externalId": "emp-5",
            "displayName": "Fay Wong",
            "active": True,
        },
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(public_id="emp-5")
    assert (user.email, user.name) == ("fay.new@example.com", "Fay Wong")


def test_delete_removes_the_user(scim):
    created = scim.create_user("gus@example.com")
    assert scim.delete(f"Users/{created['id']}").status_code == 204
    assert not User.objects.exists()
    assert scim.get(f"Users/{created['id']}").status_code == 404
    assert scim.delete(f"Users/{created['id']}").status_code == 404


def test_deactivated_users_are_listed_inactive(scim):
    created = scim.create_user("hal@example.com", active=False)
    assert User.objects.get().status == Status.DEACTIVATED
    assert scim.get(f"Users/{created['id']}").json()["active"] is False
    assert _ids(scim, "filter=active eq false") == ["hal@example.com"]


def test_scim_cannot_move_an_admins_email_or_id_but_can_deactivate_them(scim, make_user):
    from parley.accounts.models import Role

    admin = make_user(email="boss@example.com", role=Role.ADMIN)
    for operation in (
        {"op": "replace", "path": "emails", "value": [{"value": "mallory@example.net"}]},
        {"op": "replace", "path": "externalId", "value": "someone-else"},
    ):
        response = scim.patch(f"Users/{admin.pk}", operation)
        assert response.status_code == 403
        assert "admin" in response.json()["detail"]
    admin.refresh_from_db()
    assert admin.email == "boss@example.com"
    response = scim.patch(f"Users/{admin.pk}", {"op": "replace", "value": {"active": False}})
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.status == Status.DEACTIVATED


def test_a_user_whose_email_pydantic_would_refuse_is_still_listed(scim, make_user):
    person = make_user(email="ops@build.test")
    found = scim.get(f"Users/{person.pk}")
    assert found.status_code == 200
    assert found.json()["emails"] == [{"value": "ops@build.test", "type": "work", "primary": True}]
    refused = scim.patch(
        f"Users/{person.pk}",
        {"op": "replace", "path": "emails", "value": [{"value": "x@evil.test"}]},
    )
    assert refused.status_code == 400
    assert refused.json()["scimType"] == "invalidValue"


def test_a_user_name_taken_by_a_concurrent_request_is_a_uniqueness_error(make_user):
    from parley.scim.models import ScimUser
    from parley.scim.protocol import ScimError
    from parley.scim.users import _save_record

    first, second = make_user(), make_user()
    ScimUser.objects.create(user=first, user_name="ann")
    with pytest.raises(ScimError) as refused:
        _save_record(ScimUser(user=second, user_name="ANN"))
    assert (refused.value.status, refused.value.scim_type) == (409, "uniqueness")
