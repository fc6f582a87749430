"""Only admins reach the admin panel: anonymous visitors log in first, members are refused."""

import pytest
from django.urls import reverse

from parley.accounts.models import User

PAGES = [
    ("adminpanel:users", {}),
    ("adminpanel:user_create", {}),
    ("adminpanel:seats", {}),
    ("adminpanel:authentication", {}),
    ("adminpanel:audit", {}),
]


def _all_pages(user):
    return [reverse(name, kwargs=kwargs) for name, kwargs in PAGES] + [
        reverse("adminpanel:user", kwargs={"public_id": user.public_id})
    ]


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_anonymous_visitor_is_sent_to_login_and_back(client, db, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={url}" in response["Location"].replace("%2F", "/")


def test_anonymous_post_to_an_action_changes_nothing(client, make_user):
    user = make_user()
    response = client.post(reverse("adminpanel:deactivate", kwargs={"public_id": user.public_id}))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_member_gets_the_403_page_on_every_admin_page(member_client):
    for url in _all_pages(member_client.user):
        response = member_client.get(url)
        assert response.status_code == 403, url
        assert b"Not allowed" in response.content


def test_member_cannot_perform_actions(member_client, make_user):
    other = make_user()
    response = member_client.post(
        reverse("adminpanel:delete", kwargs={"public_id": other.public_id})
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=other.pk).exists()


def test_admin_sees_every_page(admin_client, admin_user):
    for url in _all_pages(admin_user):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert b'class="sidenav"' in response.content


def test_each_page_highlights_its_section_and_has_a_title(admin_client):
    expectations = {
        "adminpanel:users": ("Users", "Users · Admin"),
        "adminpanel:seats": ("Seats", "Seats · Admin"),
        "adminpanel:authentication": ("User Authentication", "User Authentication · Admin"),
        "adminpanel:audit": ("Audit log", "Audit log · Admin"),
    }
    for name, (nav_label, title) in expectations.items():
        html = admin_client.get(reverse(name)).content.decode()
        assert f'class="active" aria-current="page">{nav_label}</a>' in html
        assert f"<title>{title} · Parley</title>" in html


def test_admin_pages_are_not_cached(admin_client):
    response = admin_client.get(reverse("adminpanel:users"))
    assert "no-store" in response["Cache-Control"]


def test_unknown_user_id_shows_the_404_page(admin_client):
    response = admin_client.get(reverse("adminpanel:user", kwargs={"public_id": "nobody"}))
    assert response.status_code == 404
    assert b"Page not found" in response.content
    response = admin_client.post(reverse("adminpanel:deactivate", kwargs={"public_id": "nobody"}))
    assert response.status_code == 404


def test_actions_refuse_get(admin_client, make_user):
    user = make_user()
    response = admin_client.get(reverse("adminpanel:delete", kwargs={"public_id": user.public_id}))
    assert response.status_code == 405
    assert User.objects.filter(pk=user.pk).exists()
