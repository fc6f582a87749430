"""The paste form refuses a guessable secret with the reason, and the JWT page warns when
the stored secret (pasted under the old length-only rule) would be refused today."""

import pytest
from django.urls import reverse

from parley.external_auth import services
from parley.external_auth.models import JwtSecret

JWT_PAGE = reverse("adminpanel:jwt")
PASTE = reverse("adminpanel:jwt_paste_secret")


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("my_very_long_and_safe_secret_key", "public lists of leaked or common JWT secrets"),
        ("12345678901234567890123456789012", "public lists of leaked or common JWT secrets"),
        ("Secret-Secret-Secret-Secret-Secret", "repeated or padded to length"),
        ("90381726354918273645091827364509", "only digits"),
        ("xk3xk3xk3xk3xk3xk3xk3xk3xk3xk3xk3xk3", "repeats a short pattern"),
        ("abcdefghijklmnopqrstuvwxyz0123456789", "consecutive characters"),
    ],
)
def test_a_guessable_pasted_secret_is_refused_with_the_reason(admin_client, pasted, message):
    current = services.enable_jwt()
    response = admin_client.post(PASTE, {"secret": pasted, "grace": "3600"})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Rotate secret" in html  # what to do instead
    assert pasted not in html
    assert services.current_secret().secret == current
    assert JwtSecret.objects.count() == 1


def test_the_page_warns_when_the_stored_secret_would_be_refused_today(admin_client):
    services.enable_jwt()
    # An older instance: the secret was pasted when only its length was checked.
    JwtSecret.objects.update(secret="my_very_long_and_safe_secret_key")
    html = admin_client.get(JWT_PAGE).content.decode()
    assert "Rotate this secret." in html
    assert "public lists of leaked or common JWT secrets" in html
    assert "my_very_long_and_safe_secret_key" not in html

    admin_client.post(reverse("adminpanel:jwt_rotate"), {"grace": "0"})
    assert "Rotate this secret." not in admin_client.get(JWT_PAGE).content.decode()
