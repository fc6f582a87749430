"""Creating a user from the admin panel: valid input creates one, bad input creates nothing."""

from django.urls import reverse

from parley.accounts import services
from parley.accounts.models import CreatedVia, Role, User

CREATE = reverse("adminpanel:user_create")


def test_admin_creates_a_member_and_lands_on_their_page(admin_client):
    response = admin_client.post(CREATE, {"email": " New.Person@example.com ", "role": "member"})
    user = services.find_user_by_email("new.person@example.com")
    assert user is not None
    assert user.created_via == CreatedVia.ADMIN
    assert user.role == Role.MEMBER
    assert response.status_code == 302
    assert response["Location"] == reverse("adminpanel:user", kwargs={"public_id": user.public_id})
    assert (
        "Created New.Person@example.com" in admin_client.get(response["Location"]).content.decode()
    )


def test_admin_creates_another_admin(admin_client):
    admin_client.post(CREATE, {"email": "second@example.com", "role": "admin"})
    assert services.find_user_by_email("second@example.com").role == Role.ADMIN


def test_invalid_email_shows_a_form_error_and_creates_nothing(admin_client):
    response = admin_client.post(CREATE, {"email": "not-an-email", "role": "member"})
    assert response.status_code == 200
    assert "is not a valid email address" in response.content.decode()
    assert User.objects.count() == 1


def test_missing_email_is_required(admin_client):
    response = admin_client.post(CREATE, {"email": "", "role": "member"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert User.objects.count() == 1


def test_duplicate_email_in_other_case_shows_a_form_error(admin_client, make_user):
    make_user(email="taken@example.com")
    response = admin_client.post(CREATE, {"email": "TAKEN@example.com", "role": "member"})
    assert response.status_code == 200
    assert "Another user already has this email address." in response.content.decode()
    assert User.objects.count() == 2


def test_no_free_seat_shows_a_message_and_creates_nothing(admin_client):
    services.set_seat_limit(limit=1)
    response = admin_client.post(CREATE, {"email": "late@example.com", "role": "member"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No seat is free (1 of 1 in use)" in html
    assert services.find_user_by_email("late@example.com") is None


def test_unknown_role_is_a_form_error(admin_client):
    response = admin_client.post(CREATE, {"email": "x@example.com", "role": "overlord"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert services.find_user_by_email("x@example.com") is None


def test_an_overlong_email_is_refused_without_a_server_error(admin_client):
    response = admin_client.post(CREATE, {"email": "a" * 300 + "@example.com", "role": "member"})
    assert response.status_code == 200
    assert User.objects.count() == 1
