"""Every link in every email Parley sends points at PARLEY_PUBLIC_URL, whatever Host or
X-Forwarded-Host the request that caused it named."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from parley.accounts import services

PUBLIC_URL = "https://chat.example.com"
URL = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def instance(settings, behind_proxy):
    # The worst case: an operator who let every host in (PARLEY_ALLOWED_HOSTS=*).
    settings.PUBLIC_URL = PUBLIC_URL
    settings.ALLOWED_HOSTS = ["*"]
    cache.clear()
    yield
    cache.clear()


FORGED = {
    "Host": {"HTTP_HOST": "evil.test"},
    "X-Forwarded-Host": {"HTTP_X_FORWARDED_HOST": "evil.test", "HTTP_X_FORWARDED_PROTO": "http"},
}


def _known(make_user):
    make_user(email="known@example.com")


def _deactivated(make_user):
    services.deactivate_user(user=make_user(email="known@example.com"))


def _login_disabled(make_user):
    make_user(email="known@example.com")
    instance = services.get_instance_settings()
    instance.email_login_enabled = False
    instance.save()


# (what happened before, the form posted, the mail's words, a link it must carry)
MAILS = {
    "login code": (_known, "/accounts/login/", {"login": "known@example.com"}, "one-time code", ""),
    "signup code": (None, "/accounts/signup/", {"email": "new@example.com"}, "confirm", ""),
    "unknown account": (
        None,
        "/accounts/login/",
        {"login": "stranger@example.com"},
        "no account for this address",
        f"{PUBLIC_URL}/accounts/signup/?email=stranger%40example.com",
    ),
    "account already exists": (
        _known,
        "/accounts/signup/",
        {"email": "known@example.com"},
        "already has one",
        f"{PUBLIC_URL}/accounts/login/",
    ),
    "login disabled": (
        _login_disabled,
        "/accounts/login/",
        {"login": "known@example.com"},
        "switched off",
        "",
    ),
    "deactivated": (
        _deactivated,
        "/accounts/login/",
        {"login": "known@example.com"},
        "deactivated",
        "",
    ),
}


@pytest.mark.parametrize("forged", FORGED.values(), ids=FORGED.keys())
@pytest.mark.parametrize("mail_kind", MAILS.keys())
def test_every_email_links_only_to_the_public_url(client, make_user, db, mail_kind, forged):
    before, path, form, words, link = MAILS[mail_kind]
    if before is not None:
        before(make_user)

    response = client.post(path, form, **forged)
    assert response.status_code == 302

    [message] = mail.outbox
    text = message.subject + message.body
    assert words in text
    assert "evil.test" not in text
    assert all(url.startswith(f"{PUBLIC_URL}/") for url in URL.findall(text)), text
    if link:
        assert link in message.body.split()
