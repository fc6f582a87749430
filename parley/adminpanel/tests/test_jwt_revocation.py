"""Emergency rotation and Revoke previous secrets: after either, a code signed with any
earlier secret is refused on the very next login; the current secret keeps working."""

import time

import jwt
import pytest
from django.test import Client
from django.urls import reverse

from parley.audit.models import AuthEvent
from parley.external_auth import services

JWT_PAGE = reverse("adminpanel:jwt")
ROTATE = reverse("adminpanel:jwt_rotate")
PASTE = reverse("adminpanel:jwt_paste_secret")
REVOKE = reverse("adminpanel:jwt_revoke_previous")
HOUR = "3600"


@pytest.fixture
def logs_in(make_user):
    """Whether a code signed with `secret` logs a member in through `?externalAuthCode=`;
    a refusal must be the signature's."""
    member = make_user(public_id="member-1")

    def attempt(secret: str) -> bool:
        code = jwt.encode({"id": member.public_id, "iat": int(time.time())}, secret, "HS256")
        response = Client().get(f"/?externalAuthCode={code}")
        if response.status_code == 303:
            return True
        assert response.status_code == 401
        assert AuthEvent.objects.order_by("-id").first().reason == "invalid_signature"
        return False

    return attempt


def _two_secrets_in_grace(admin_client) -> tuple[str, str, str]:
    first = services.enable_jwt()
    admin_client.post(ROTATE, {"grace": HOUR})
    second = services.current_secret().secret
    admin_client.post(ROTATE, {"grace": HOUR})
    return first, second, services.current_secret().secret


def test_a_rotation_without_grace_ends_every_earlier_grace_too(admin_client, logs_in):
    first, second, third = _two_secrets_in_grace(admin_client)
    assert logs_in(first) and logs_in(second) and logs_in(third)

    response = admin_client.post(ROTATE, {"grace": "0"})
    assert "every previous secret stopped working now" in response.content.decode()
    current = services.current_secret().secret
    assert not logs_in(first)
    assert not logs_in(second)
    assert not logs_in(third)
    assert logs_in(current)
    assert "Previous secrets still working" not in admin_client.get(JWT_PAGE).content.decode()


def test_pasting_a_secret_without_grace_ends_every_earlier_grace_too(admin_client, logs_in):
    first, _, third = _two_secrets_in_grace(admin_client)
    mine = "Vq7-Xc9_Lp2mZr8Tn4Wk6Yb1Hd3Fg5Js"
    admin_client.post(PASTE, {"secret": mine, "grace": "0"})
    assert not logs_in(first) and not logs_in(third)
    assert logs_in(mine)


def test_the_no_grace_choice_says_that_every_previous_secret_stops(admin_client):
    services.enable_jwt()
    html = admin_client.get(JWT_PAGE).content.decode()
    assert '<option value="0">None — every previous secret stops working at once</option>' in html


def test_revoke_previous_secrets_refuses_their_codes_and_keeps_the_current_one(
    admin_client, logs_in
):
    first, second, current = _two_secrets_in_grace(admin_client)
    page = admin_client.get(JWT_PAGE).content.decode()
    assert f'action="{REVOKE}"' in page
    assert "Revoke previous secrets" in page

    response = admin_client.post(REVOKE, follow=True)
    html = response.content.decode()
    assert "2 previous secrets revoked" in html
    assert "Previous secrets still working" not in html
    assert not logs_in(first)
    assert not logs_in(second)
    assert logs_in(current)
    assert services.current_secret().secret == current


def test_revoke_with_nothing_in_grace_says_so_and_changes_nothing(admin_client, logs_in):
    current = services.enable_jwt()
    response = admin_client.post(REVOKE, follow=True)
    assert "nothing to revoke" in response.content.decode()
    assert logs_in(current)


def test_revoke_is_a_post_only_action(admin_client):
    services.enable_jwt()
    assert admin_client.get(REVOKE).status_code == 405
