"""How long a JWT login lasts: until the code expires (the default), or a fixed length
whatever the code's exp, for integrators who sign short one-time codes."""

import json
import re
import time

import pytest
from django.urls import reverse

from parley.errors import ValidationFailed
from parley.external_auth import services


def _login(client, mint, *, expires_in):
    code = mint({"user": {"id": "u-1", "email": "u1@example.com"}}, expires_in=expires_in)
    response = client.get(f"/?externalAuthCode={code}")
    assert response.status_code == 303
    return client.session.get_expiry_age()


def test_by_default_a_session_ends_when_the_code_expires(client, mint):
    assert services.get_jwt_settings().session_length == "code"
    assert 100 < _login(client, mint, expires_in=120) <= 120


def test_a_fixed_session_lasts_its_length_whatever_the_codes_exp(client, mint):
    services.update_policy(session_length="fixed", session_max_age_seconds=8 * 3600)
    assert _login(client, mint, expires_in=60) == 8 * 3600


def test_a_fixed_session_applies_to_the_api_and_widget_token_too(client, mint):
    services.update_policy(session_length="fixed", session_max_age_seconds=14 * 86400)
    code = mint({"user": {"id": "u-2"}}, expires_in=30)
    body = json.dumps({"externalAuthCode": code})
    response = client.post("/api/v1/auth/external", body, content_type="application/json")
    assert response.json()["expires_in"] == 14 * 86400


def test_an_unknown_session_length_is_refused(db):
    with pytest.raises(ValidationFailed, match="session length"):
        services.update_policy(session_length="forever")
    assert services.get_jwt_settings().session_length == "code"


def test_the_tester_says_how_long_the_session_would_last(admin_client, mint):
    tester = reverse("adminpanel:tester")
    code = mint({"user": {"id": "u-3"}}, expires_in=600)
    html = admin_client.post(tester, {"code": code}).content.decode()
    assert re.search(r"The session would last (9|10) minutes, until [^:]+:\d\d:\d\d UTC", html)
    assert "until the code&#x27;s exp" in html
    services.update_policy(session_length="fixed", session_max_age_seconds=8 * 3600)
    html = admin_client.post(tester, {"code": code}).content.decode()
    assert "The session would last 8 hours" in html and "fixed session length" in html


def test_the_tester_shows_every_time_claim_as_a_date_even_when_the_code_fails(admin_client, mint):
    now = int(time.time())
    code = mint({"id": "x", "iat": 1767225600, "nbf": 1767225600, "exp": 1767229200})
    html = admin_client.post(reverse("adminpanel:tester"), {"code": code}).content.decode()
    times = html.split('id="tester-times"', 1)[1].split("</dl>", 1)[0]
    assert "<code>iat</code> (issued at)" in times and "<code>nbf</code> (not before)" in times
    assert '<time datetime="2026-01-01T00:00:00+00:00">1 Jan 2026, 00:00:00 UTC</time>' in times
    assert '<time datetime="2026-01-01T01:00:00+00:00">1 Jan 2026, 01:00:00 UTC</time>' in times
    assert now > 1767229200  # expired, so refused: the dates are still shown
    bad = mint({"id": "x", "exp": "tomorrow"})
    html = admin_client.post(reverse("adminpanel:tester"), {"code": bad}).content.decode()
    assert "is not a time (seconds since 1970)" in html
