"""/users: list and search with paging, get by id (any characters) or email, create with the
seat rule, update all-or-nothing, delete."""

from urllib.parse import quote

import pytest

from parley.accounts import services
from parley.accounts.models import CreatedVia, Role, Status, User

from .conftest import assert_json_error


def test_list_pages_through_users_with_a_total(api, make_user):
    for n in range(5):
        make_user(email=f"p{n}@example.com")
    body = api.get("/api/v1/users", {"limit": 2, "offset": 1}).json()
    assert body["total"] == 5 and body["limit"] == 2 and body["offset"] == 1
    assert len(body["items"]) == 2
    first_page = api.get("/api/v1/users").json()
    assert [u["id"] for u in first_page["items"][1:3]] == [u["id"] for u in body["items"]]


def test_search_matches_an_exact_id_or_part_of_an_email(api, make_user):
    make_user(email="ada@lovelace.example", public_id="ada-1")
    make_user(email="bob@example.com")
    assert [u["id"] for u in api.get("/api/v1/users", {"q": "LOVELACE"}).json()["items"]] == [
        "ada-1"
    ]
    assert api.get("/api/v1/users", {"q": "ada-1"}).json()["total"] == 1
    assert api.get("/api/v1/users", {"q": "ada-"}).json()["total"] == 0


def test_list_filters_by_status_and_rejects_unknown_values(api, make_user):
    gone = make_user()
    make_user()
    services.deactivate_user(user=gone)
    body = api.get("/api/v1/users", {"status": "deactivated"}).json()
    assert [u["id"] for u in body["items"]] == [gone.public_id]
    assert_json_error(api.get("/api/v1/users", {"status": "asleep"}), 422, "validation_failed")


@pytest.mark.parametrize("public_id", ["a/b", "50%", "x y?z#", "ünï/../cödé", "by-email/x"])
def test_get_by_id_works_for_ids_with_any_characters(api, make_user, public_id):
    user = make_user(public_id=public_id)
    response = api.get("/api/v1/users/" + quote(public_id, safe=""))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == public_id
    assert response.json()["email"] == user.email


def test_get_returns_the_documented_fields(api, make_user):
    user = make_user(email="Full@Example.com", metadata={"team": "blue"})
    body = api.get(f"/api/v1/users/{user.public_id}").json()
    assert body == {
        "id": user.public_id,
        "email": "Full@Example.com",
        "status": "active",
        "role": "member",
        "created_via": "admin",
        "metadata": {"team": "blue"},
        "created_at": body["created_at"],
        "last_login_at": None,
        "last_login_method": None,
        "groups": [],
    }


def test_get_an_unknown_id_is_a_json_404(api):
    assert_json_error(api.get("/api/v1/users/nobody"), 404, "not_found")
    assert_json_error(api.get("/api/v1/users/" + quote("\x01", safe="")), 404, "not_found")


def test_get_by_email_compares_normalised(api, make_user):
    user = make_user(email="Case@Example.com")
    response = api.get("/api/v1/users/by-email", {"email": "  case@EXAMPLE.com "})
    assert response.json()["id"] == user.public_id
    assert_json_error(
        api.get("/api/v1/users/by-email", {"email": "no@example.com"}), 404, "not_found"
    )
    assert_json_error(api.get("/api/v1/users/by-email"), 422, "validation_failed")


def test_create_makes_an_api_user_with_an_assigned_id(api):
    response = api.post("/api/v1/users", {"email": "new@example.com", "metadata": {"plan": "pro"}})
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(public_id=body["id"])
    assert body["id"].isdigit()
    assert user.created_via == CreatedVia.API and user.metadata == {"plan": "pro"}


def test_create_with_a_chosen_id_and_role(api):
    body = api.post("/api/v1/users", {"id": "crm/42", "role": "admin"}).json()
    assert body["id"] == "crm/42" and body["role"] == "admin" and body["email"] is None


def test_create_beyond_the_seat_limit_is_a_409_and_creates_nothing(api, make_user):
    make_user()
    services.set_seat_limit(limit=1)
    response = api.post("/api/v1/users", {"email": "late@example.com"})
    body = assert_json_error(response, 409, "seat_limit_reached")
    assert "1 of 1" in body["message"]
    assert not User.objects.filter(email="late@example.com").exists()


def test_create_with_a_taken_email_or_id_is_a_409(api, make_user):
    make_user(email="taken@example.com", public_id="7")
    assert_json_error(api.post("/api/v1/users", {"email": "TAKEN@example.com"}), 409, "email_taken")
    assert_json_error(api.post("/api/v1/users", {"id": "7"}), 409, "user_id_taken")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email"},
        {"email": ""},
        {"id": ""},
        {"id": "   "},
        {"id": "tab\there"},
        {"id": "x" * 256},
        {"role": "superuser"},
        {"metadata": ["not", "an", "object"]},
        {"metadata": {"big": "x" * 17000}},
        {"unknown": 1},
    ],
)
def test_create_with_invalid_fields_is_a_422_and_creates_nothing(api, body):
    assert_json_error(api.post("/api/v1/users", body), 422, "validation_failed")
    assert not User.objects.exists()


def test_update_changes_email_metadata_role_and_status(api, make_user, admin_user):
    user = make_user(email="old@example.com")
    response = api.patch(
        f"/api/v1/users/{user.public_id}",
        {"email": "new@example.com", "metadata": {"a": 1}, "role": "admin"},
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.email, user.metadata, user.role) == ("new@example.com", {"a": 1}, Role.ADMIN)
    api.patch(f"/api/v1/users/{user.public_id}", {"status": "deactivated"})
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED
    assert services.seat_usage().used == 1
    api.patch(f"/api/v1/users/{user.public_id}", {"status": "active"})
    user.refresh_from_db()
    assert user.status == Status.ACTIVE


def test_update_leaves_out_fields_alone_and_null_email_removes_it(api, make_user):
    user = make_user(email="keep@example.com", metadata={"k": "v"})
    api.patch(f"/api/v1/users/{user.public_id}", {"role": "member"})
    user.refresh_from_db()
    assert (user.email, user.metadata) == ("keep@example.com", {"k": "v"})
    api.patch(f"/api/v1/users/{user.public_id}", {"email": None})
    user.refresh_from_db()
    assert user.email is None


def test_reactivating_without_a_free_seat_is_a_409_and_changes_nothing(api, make_user):
    user = make_user()
    services.deactivate_user(user=user)
    make_user()
    services.set_seat_limit(limit=1)
    response = api.patch(
        f"/api/v1/users/{user.public_id}", {"status": "active", "metadata": {"x": 1}}
    )
    assert_json_error(response, 409, "seat_limit_reached")
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED and user.metadata == {}


def test_a_refused_change_undoes_the_others(api, make_user):
    make_user(email="taken@example.com")
    user = make_user(email="mine@example.com")
    response = api.patch(
        f"/api/v1/users/{user.public_id}", {"role": "admin", "email": "taken@example.com"}
    )
    assert_json_error(response, 409, "email_taken")
    user.refresh_from_db()
    assert user.role == Role.MEMBER and user.email == "mine@example.com"


def test_the_last_owner_cannot_be_demoted_or_deleted(api, admin_user):
    url = f"/api/v1/users/{admin_user.public_id}"
    assert_json_error(api.patch(url, {"role": "member"}), 409, "last_owner")
    assert_json_error(api.delete(url), 409, "last_owner")


def test_update_an_unknown_user_is_a_404(api):
    assert_json_error(api.patch("/api/v1/users/ghost", {"role": "admin"}), 404, "not_found")


def test_delete_removes_the_user_and_frees_the_seat(api, make_user):
    user = make_user(public_id="to/go%")
    response = api.delete("/api/v1/users/" + quote("to/go%", safe=""))
    assert response.status_code == 204 and response.content == b""
    assert not User.objects.filter(pk=user.pk).exists()
    assert_json_error(api.delete("/api/v1/users/" + quote("to/go%", safe="")), 404, "not_found")


@pytest.mark.parametrize("public_id", ["a\u200bb", "a\u202eb", "\ufeffcrm-1"])
def test_create_with_an_id_no_jwt_could_name_is_a_422_that_says_why(api, public_id):
    response = api.post("/api/v1/users", {"id": public_id})
    assert_json_error(response, 422, "validation_failed")
    assert (
        "The user ID must not contain invisible or control characters (it contains U+"
        in (response.json()["message"])
    )
    assert response.json()["errors"][0]["loc"][-1] == "id"
    assert not User.objects.exists()


def test_metadata_with_a_nul_character_is_refused_on_every_database(api, make_user):
    user = make_user(metadata={"plan": "pro"})
    nul = {"note": "a\u0000b"}
    assert_json_error(api.post("/api/v1/users", {"metadata": nul}), 422, "validation_failed")
    response = api.patch(f"/api/v1/users/{user.public_id}", {"metadata": nul, "role": "admin"})
    assert_json_error(response, 422, "validation_failed")
    assert "Metadata contains a U+0000 character." in response.json()["message"]
    user.refresh_from_db()
    assert (user.metadata, user.role) == ({"plan": "pro"}, Role.MEMBER)
    assert User.objects.count() == 1


def test_an_email_longer_than_254_characters_is_a_422(api):
    email = "a" * 64 + "@" + ".".join(["b" * 57] * 3 + ["b" * 55]) + ".com"
    assert_json_error(api.post("/api/v1/users", {"email": email}), 422, "validation_failed")
    assert not User.objects.exists()


def test_with_no_free_seat_the_admin_key_is_told_the_numbers(api, make_user):
    make_user()
    services.set_seat_limit(limit=1)
    response = api.post("/api/v1/users", {"email": "late@example.com"})
    assert_json_error(response, 409, "seat_limit_reached")
    assert response.json()["message"] == (
        "No seat is free (1 of 1 in use), so nothing was changed. "
        "Raise the seat limit or deactivate someone first."
    )
