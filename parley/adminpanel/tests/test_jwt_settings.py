"""Admin Panel → User Authentication → JWT: the switch, the secret (shown once, masked,
revealed, rotated, replaced) and public keys."""

import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from parley.errors import AuthError
from parley.external_auth import admin_services, config, services
from parley.external_auth.login import log_in_with_code
from parley.external_auth.models import JwtSecret, PublicKey
from parley.external_auth.verify import verify_token

JWT_PAGE = reverse("adminpanel:jwt")
SWITCH = reverse("adminpanel:jwt_switch")
REVEAL = reverse("adminpanel:jwt_reveal")
ROTATE = reverse("adminpanel:jwt_rotate")
PASTE = reverse("adminpanel:jwt_paste_secret")
ADD_KEY = reverse("adminpanel:jwt_add_key")


def _secret_field(secret: str) -> str:
    return f'id="jwt-secret" value="{secret}" readonly'


def _verifies(secret: str) -> bool:
    """Whether a code signed with `secret` passes verification as configured right now."""
    now = time.time()
    _, keys, policy = config.verification_config(now=now)
    code = jwt.encode({"id": "x", "iat": int(now)}, secret, algorithm="HS256")
    try:
        verify_token(token=code, keys=keys, policy=policy, now=now)
    except AuthError:
        return False
    return True


def test_jwt_is_off_with_no_secret_at_first(admin_client):
    response = admin_client.get(JWT_PAGE)
    html = response.content.decode()
    assert 'name="enabled" id="id_jwt_enabled">' in html
    assert "No secret yet" in html
    assert 'id="jwt-secret"' not in html


def test_enabling_shows_the_new_secret_once_then_only_masked(admin_client):
    switched = admin_client.post(SWITCH, {"enabled": "on"})
    # Post/redirect/get: the page after the switch can be reloaded (it was a 405).
    assert switched.status_code == 302 and switched["Location"] == JWT_PAGE
    response = admin_client.get(JWT_PAGE)
    secret = JwtSecret.objects.get().secret
    html = response.content.decode()
    assert _secret_field(secret) in html
    assert 'data-copy="jwt-secret"' in html
    assert "Shown in full only now" in html
    assert "no-store" in response["Cache-Control"]
    assert services.get_jwt_settings().enabled
    assert secret not in admin_client.session.values()

    again = admin_client.get(JWT_PAGE).content.decode()  # a reload: masked from now on
    assert secret not in again
    assert f"{secret[:4]}••••••••••••" in again
    assert 'name="enabled" id="id_jwt_enabled" checked' in again


def test_a_get_of_the_switch_address_shows_the_settings_and_changes_nothing(admin_client):
    response = admin_client.get(SWITCH)
    assert response.status_code == 302 and response["Location"] == JWT_PAGE
    assert not services.get_jwt_settings().enabled


def test_the_one_shot_flag_shows_no_secret_to_a_role_without_secrets(client_as):
    from parley.adminpanel.views_jwt import NEW_SECRET_FLAG

    secret = services.enable_jwt()
    admin = client_as("admin")  # manage_settings, not manage_jwt_secrets
    session = admin.session
    session[NEW_SECRET_FLAG] = True
    session.save()
    assert secret not in admin.get(JWT_PAGE).content.decode()


def test_turning_jwt_off_and_on_again_keeps_the_secret_and_does_not_show_it(admin_client):
    secret = services.enable_jwt()
    response = admin_client.post(SWITCH, {}, follow=True)
    assert not services.get_jwt_settings().enabled
    assert "JWT login is off" in response.content.decode()
    response = admin_client.post(SWITCH, {"enabled": "on"}, follow=True)
    assert services.get_jwt_settings().enabled
    assert services.current_secret().secret == secret
    assert secret not in response.content.decode()


def test_reveal_shows_the_full_secret_in_the_post_response_only(admin_client):
    secret = services.enable_jwt()
    response = admin_client.post(REVEAL)
    html = response.content.decode()
    assert _secret_field(secret) in html
    assert "Shown because you asked" in html
    assert secret not in admin_client.get(JWT_PAGE).content.decode()


def test_reveal_without_a_secret_explains_why(admin_client):
    response = admin_client.post(REVEAL, follow=True)
    assert "There is no secret yet" in response.content.decode()


def test_rotate_shows_the_new_secret_and_the_old_keeps_verifying_in_grace(admin_client):
    old = services.enable_jwt()
    response = admin_client.post(ROTATE, {"grace": str(24 * 3600)})
    new = services.current_secret().secret
    assert new != old
    html = response.content.decode()
    assert _secret_field(new) in html
    assert "keeps working until" in html
    assert _verifies(old) and _verifies(new)

    page = admin_client.get(JWT_PAGE).content.decode()
    assert "Previous secrets still working" in page
    assert f"{old[:4]}••••••••••••" in page
    assert old not in page and new not in page
    retired = JwtSecret.objects.get(secret=old)
    assert timedelta(hours=23) < retired.valid_until - timezone.now() <= timedelta(hours=24)


def test_a_code_signed_with_the_old_secret_still_logs_in_during_grace(admin_client, make_user):
    old = services.enable_jwt()
    user = make_user()
    admin_client.post(ROTATE, {"grace": "3600"})
    request = RequestFactory().get("/")
    code = jwt.encode({"id": user.public_id}, old, algorithm="HS256")
    assert log_in_with_code(request, code=code, start_session=False).user == user


def test_rotate_without_grace_stops_the_old_secret_at_once(admin_client):
    old = services.enable_jwt()
    admin_client.post(ROTATE, {"grace": "0"})
    assert not _verifies(old)
    assert "Previous secrets still working" not in admin_client.get(JWT_PAGE).content.decode()


def test_rotate_defaults_to_24_hours_and_refuses_other_grace_values(admin_client):
    services.enable_jwt()
    html = admin_client.get(JWT_PAGE).content.decode()
    assert '<option value="86400" selected>24 hours</option>' in html
    response = admin_client.post(ROTATE, {"grace": "999999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert JwtSecret.objects.count() == 1


def test_a_pasted_secret_becomes_the_current_one(admin_client):
    old = services.enable_jwt()
    mine = "my-own-shared-secret-of-at-least-32-bytes!"
    response = admin_client.post(PASTE, {"secret": f"  {mine}\n", "grace": "3600"}, follow=True)
    assert "Your secret is now the current one." in response.content.decode()
    assert services.current_secret().secret == mine
    assert _verifies(mine) and _verifies(old)


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("short-secret", "at least 32 bytes"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        (
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
            "-----END PUBLIC KEY-----",
            "This looks like a PEM key or certificate",
        ),
    ],
)
def test_a_weak_empty_or_public_key_secret_is_refused_clearly(admin_client, pasted, message):
    current = services.enable_jwt()
    response = admin_client.post(PASTE, {"secret": pasted, "grace": "3600"})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<details class="more" open>' in html
    assert services.current_secret().secret == current
    assert JwtSecret.objects.count() == 1
    if pasted.strip():
        assert pasted not in html


def _ec_public_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def test_a_public_key_is_added_listed_with_kid_type_and_fingerprint_then_removed(admin_client):
    response = admin_client.post(ADD_KEY, {"kid": "crm-2025", "pem": _ec_public_pem()}, follow=True)
    assert "Public key crm-2025 added." in response.content.decode()
    key = PublicKey.objects.get()
    html = admin_client.get(JWT_PAGE).content.decode()
    assert "crm-2025" in html
    assert "EC P-256" in html
    assert "ES256" in html
    fingerprint = admin_services.public_key_summaries()[0].fingerprint
    assert len(fingerprint) == 16 and fingerprint in html

    remove = reverse("adminpanel:jwt_remove_key", kwargs={"key_id": key.pk})
    response = admin_client.post(remove, follow=True)
    assert "Public key removed." in response.content.decode()
    assert not PublicKey.objects.exists()


def test_an_es256_code_verifies_with_the_added_key(admin_client):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    admin_client.post(ADD_KEY, {"kid": "k1", "pem": pem})
    now = time.time()
    _, keys, policy = config.verification_config(now=now)
    code = jwt.encode({"id": "x"}, private, algorithm="ES256", headers={"kid": "k1"})
    assert verify_token(token=code, keys=keys, policy=policy, now=now).verified_by == "kid:k1"


@pytest.mark.parametrize(
    ("pem", "message"),
    [
        ("not a key at all", "Paste the public key in PEM form"),
        ("", "Paste a public key in PEM form."),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "This public key could not be read",
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "This is a private key.",
        ),
    ],
)
def test_a_bad_pem_is_refused_with_a_clear_message(admin_client, pem, message):
    response = admin_client.post(ADD_KEY, {"kid": "", "pem": pem})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not PublicKey.objects.exists()


def test_a_duplicate_kid_is_reported_on_the_kid_field(admin_client):
    admin_client.post(ADD_KEY, {"kid": "same", "pem": _ec_public_pem()})
    response = admin_client.post(ADD_KEY, {"kid": "same", "pem": _ec_public_pem()})
    assert "A key with ID “same” already exists." in response.content.decode()
    assert response.context["key_form"].errors["kid"]
    assert PublicKey.objects.count() == 1


def test_the_admin_sets_and_clears_a_jwks_url(admin_client, fake_dns):
    from parley.external_auth.services import get_jwt_settings

    fake_dns.add("idp.example.com", ["93.184.215.14"])
    url = "https://idp.example.com/.well-known/jwks.json"
    response = admin_client.post("/admin/authentication/jwt/jwks/", {"jwks_url": url})
    assert response.status_code == 302
    assert get_jwt_settings().jwks_url == url
    assert url.encode() in admin_client.get("/admin/authentication/jwt/").content
    admin_client.post("/admin/authentication/jwt/jwks/", {"jwks_url": ""})
    assert get_jwt_settings().jwks_url == ""


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "data:application/json,{}", "http://idp.example.com/jwks"]
)
def test_a_jwks_url_that_is_not_https_is_refused_with_a_message(admin_client, url):
    from parley.external_auth.services import get_jwt_settings

    response = admin_client.post("/admin/authentication/jwt/jwks/", {"jwks_url": url})
    assert response.status_code == 200
    assert b"cannot be used" in response.content
    assert get_jwt_settings().jwks_url == ""


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254, a cloud metadata address"),
        ("https://0x7f.1/jwks", "127.0.0.1, a loopback address"),
        ("https://[::ffff:127.0.0.1]/jwks", "a loopback (IPv4 127.0.0.1 inside IPv6) address"),
        ("https://keys.internal/jwks", "10.0.0.5, a private address"),
    ],
)
def test_a_jwks_url_on_the_private_network_is_refused_with_a_message(
    admin_client, fake_dns, url, shown
):
    from parley.external_auth.services import get_jwt_settings

    fake_dns.add("keys.internal", ["10.0.0.5"])
    response = admin_client.post("/admin/authentication/jwt/jwks/", {"jwks_url": url})
    assert response.status_code == 200
    assert shown in response.content.decode()
    assert "unless you allow a private-network URL" in response.content.decode()
    assert get_jwt_settings().jwks_url == ""


def test_the_private_network_switch_lets_an_internal_jwks_url_be_saved(admin_client, fake_dns):
    from parley.external_auth.services import get_jwt_settings

    fake_dns.add("keys.internal", ["10.0.0.5"])
    url = "https://keys.internal/jwks"
    response = admin_client.post(
        "/admin/authentication/jwt/jwks/", {"jwks_url": url, "allow_private_network": "on"}
    )
    assert response.status_code == 302
    row = get_jwt_settings()
    assert (row.jwks_url, row.jwks_allow_private_network) == (url, True)
    page = admin_client.get("/admin/authentication/jwt/").content.decode()
    assert 'name="allow_private_network" id="id_allow_private_network" checked' in page
