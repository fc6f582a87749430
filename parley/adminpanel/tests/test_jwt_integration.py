"""The Integration page: minting snippets for six languages with this instance's URL, and a
login-link generator whose link logs the user in."""

import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from parley.accounts import services as accounts
from parley.adminpanel.integration_snippets import snippets
from parley.external_auth import config, services
from parley.external_auth.verify import verify_token

INTEGRATION = reverse("adminpanel:integration")
MAKE_LINK = reverse("adminpanel:integration_login_link")
PUBLIC_URL = "https://chat.example.com"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


def test_all_six_languages_are_shown_with_the_instance_url(admin_client):
    html = admin_client.get(INTEGRATION).content.decode()
    for language, library in [
        ("Node.js", "jsonwebtoken"),
        ("Python", "PyJWT"),
        ("PHP", "firebase/php-jwt"),
        ("Ruby", "ruby-jwt"),
        ("Go", "golang-jwt/jwt v5"),
        ("Java", "jjwt"),
    ]:
        assert 'aria-controls="snippet-' in html and f">{language}</button>" in html
        assert library in html
    assert html.count("&quot;https://chat.example.com&quot;") == 6
    assert html.count('data-copy="code-') == 6


def test_the_languages_are_tabs_with_one_panel_shown(admin_client):
    html = admin_client.get(INTEGRATION).content.decode()
    assert html.count('role="tab"') == 6 and html.count('role="tabpanel"') == 6
    assert html.count('aria-selected="true"') == 1
    assert html.count('role="tabpanel" id="snippet-') == 6
    assert html.count(" hidden>") == 5


def test_every_snippet_signs_the_documented_payload_from_the_environment(db):
    for snippet in snippets(public_url=PUBLIC_URL):
        code = snippet.code
        assert '"https://chat.example.com"' in code, snippet.slug
        assert "JWT_AUTH_SECRET" in code, snippet.slug
        assert "HS256" in code, snippet.slug
        assert "externalAuthCode=" in code, snippet.slug
        assert "data-external-auth-code=" in code, snippet.slug
        assert "/widget.js" in code, snippet.slug
        assert "user-123" in code and "kim@example.com" in code, snippet.slug
    assert 'expiresIn: "7 days"' in snippets(public_url=PUBLIC_URL)[0].code


def test_no_secret_appears_on_the_integration_page(admin_client, secret):
    assert secret not in admin_client.get(INTEGRATION).content.decode()


def test_the_python_snippet_runs_and_its_code_logs_the_person_in(secret, tmp_path):
    snippet = next(s for s in snippets(public_url=PUBLIC_URL) if s.slug == "python")
    script = tmp_path / snippet.filename
    script.write_text(snippet.code)
    output = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "JWT_AUTH_SECRET": secret},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    url, tag = output
    assert url.startswith(f"{PUBLIC_URL}/?externalAuthCode=")
    code = url.split("=", 1)[1]
    assert tag == (
        f'<script defer data-external-auth-code="{code}" src="{PUBLIC_URL}/widget.js"></script>'
    )
    now = time.time()
    _, keys, policy = config.verification_config(now=now)
    verified = verify_token(token=code, keys=keys, policy=policy, now=now)
    assert verified.payload["user"] == {"id": "user-123", "email": "kim@example.com"}
    assert verified.exp - verified.iat == 7 * 24 * 3600

    visitor = Client()
    assert visitor.get(urlsplit(url).path + "?" + urlsplit(url).query).status_code == 303
    assert visitor.session["_auth_user_id"]


def test_a_generated_link_is_shown_once_and_logs_the_user_in(admin_client, secret, make_user):
    user = make_user(email="casey@example.com")
    response = admin_client.post(MAKE_LINK, {"user": user.email, "lifetime": "3600"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = response.context["login_link"]
    assert link.startswith(f"{PUBLIC_URL}/?externalAuthCode=")
    html = response.content.decode()
    assert f'id="jwt-login-link" value="{link}" readonly' in html
    assert 'data-copy="jwt-login-link"' in html
    assert link not in admin_client.get(INTEGRATION).content.decode()

    parts = urlsplit(link)
    visitor = Client()
    followed = visitor.get(f"{parts.path}?{parts.query}")
    assert followed.status_code == 303
    assert followed["Location"] == "/"
    assert visitor.session["_auth_user_id"] == str(user.pk)


def test_a_user_can_be_picked_by_id_and_the_lifetime_is_signed(admin_client, secret, make_user):
    user = make_user()
    response = admin_client.post(MAKE_LINK, {"user": user.public_id, "lifetime": "600"})
    code = response.context["login_link"].split("externalAuthCode=", 1)[1]
    now = time.time()
    _, keys, policy = config.verification_config(now=now)
    verified = verify_token(token=code, keys=keys, policy=policy, now=now)
    assert verified.payload["id"] == user.public_id
    assert verified.exp - verified.iat == 600


def test_the_link_carries_the_expected_issuer_and_audience(admin_client, secret, make_user):
    services.update_policy(issuer="https://crm.example.com", audience="parley")
    user = make_user()
    link = admin_client.post(MAKE_LINK, {"user": user.public_id, "lifetime": "600"}).context[
        "login_link"
    ]
    parts = urlsplit(link)
    visitor = Client()
    assert visitor.get(f"{parts.path}?{parts.query}").status_code == 303
    assert visitor.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("setup", "form", "message"),
    [
        ("off", {"lifetime": "3600"}, "Turn JWT login on first"),
        ("never", {"lifetime": "3600"}, "Turn JWT login on first"),
        ("on", {"user": "nobody@example.com", "lifetime": "3600"}, "No user has this ID"),
        ("on", {"user": "", "lifetime": "3600"}, "Enter a user ID or email address."),
        ("on", {"lifetime": "12345"}, "Select a valid choice"),
        ("deactivated", {"lifetime": "3600"}, "is deactivated"),
        ("short-max", {"lifetime": str(7 * 24 * 3600)}, "longer than the maximum lifetime"),
    ],
)
def test_the_generator_refuses_clearly(admin_client, make_user, setup, form, message):
    user = make_user(email="lee@example.com")
    if setup != "never":
        services.enable_jwt()
    if setup == "off":
        services.disable_jwt()
    if setup == "deactivated":
        accounts.deactivate_user(user=user)
    if setup == "short-max":
        services.update_policy(max_lifetime_seconds=3600)
    response = admin_client.post(MAKE_LINK, {"user": user.email, **form})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not response.context["login_link"]


def test_the_generator_refuses_a_link_for_an_admin_until_admins_may_use_jwt(
    admin_client, admin_user, secret
):
    response = admin_client.post(MAKE_LINK, {"user": admin_user.email, "lifetime": "600"})
    assert "admins may not log in with a JWT" in response.content.decode()
    assert not response.context["login_link"]

    services.update_policy(admins_may_use_jwt=True)
    link = admin_client.post(MAKE_LINK, {"user": admin_user.email, "lifetime": "600"}).context[
        "login_link"
    ]
    parts = urlsplit(link)
    assert Client().get(f"{parts.path}?{parts.query}").status_code == 303
