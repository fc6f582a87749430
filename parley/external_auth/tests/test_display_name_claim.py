"""`user.name` in a code is the person's display name: set when the user is created, kept
up to date on each login, and refused, like any other bad claim, when it is not a name."""

import pytest

from parley.accounts.models import User

from .factories import last_event, url_login

pytestmark = pytest.mark.django_db


def test_the_name_claim_names_a_new_user(client, mint):
    url_login(client, mint({"user": {"id": "shop-1", "email": "ann@example.com", "name": " Ann "}}))
    user = User.objects.get(public_id="shop-1")
    assert user.name == "Ann" and user.display_name == "Ann"


def test_a_later_login_updates_the_name_and_one_without_it_keeps_it(client, mint):
    url_login(client, mint({"user": {"id": "shop-1", "name": "Ann"}}))
    url_login(client, mint({"user": {"id": "shop-1", "name": "Ann Smith"}}))
    assert User.objects.get(public_id="shop-1").name == "Ann Smith"
    url_login(client, mint({"user": {"id": "shop-1"}}))
    assert User.objects.get(public_id="shop-1").name == "Ann Smith"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (5, "user.name 5 is an integer, not a string"),
        ("x" * 300, "user.name has 300 characters"),
        ("Ann\u202eevil", "user.name"),
    ],
)
def test_a_bad_name_is_refused_and_creates_no_one(client, mint, name, reason):
    response = url_login(client, mint({"user": {"id": "shop-2", "name": name}}))
    assert response.status_code == 401
    assert not User.objects.filter(public_id="shop-2").exists()
    event = last_event()
    assert event.reason == "invalid_claims" and reason in event.detail


def test_the_chat_greets_a_person_by_the_name_from_their_code(client, mint):
    url_login(client, mint({"user": {"id": "shop-3", "name": "Bea"}}))
    assert "Welcome, Bea" in client.get("/").content.decode()
