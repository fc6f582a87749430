"""The Token tester page: a POST form whose response shows the checks and the predicted
outcome, is never cached, and changes nothing."""

import time

import jwt
from django.core.cache import cache
from django.urls import reverse

from parley.accounts.models import User
from parley.audit.models import AuthEvent
from parley.branding.selectors import current_brand
from parley.external_auth.models import UsedJti

TESTER = reverse("adminpanel:tester")


def test_the_page_offers_a_post_form(admin_client):
    response = admin_client.get(TESTER)
    html = response.content.decode()
    assert '<form method="post" novalidate>' in html
    assert 'name="code"' in html
    assert "Testing changes nothing" in html


def test_a_valid_code_shows_every_check_and_the_login_it_would_do(admin_client, secret, make_user):
    user = make_user(email="kim@example.com")
    code = jwt.encode(
        {"id": user.public_id, "exp": int(time.time()) + 600}, secret, algorithm="HS256"
    )
    users, events, jtis = User.objects.count(), AuthEvent.objects.count(), UsedJti.objects.count()
    admin_client.get(TESTER)  # any request caches the admin's own user row (user_cache.py)
    current_brand()  # every page reads the branding through the cache: not the tester's doing
    cached = dict(cache._cache)

    response = admin_client.post(TESTER, {"code": code})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert f"Log in user kim@example.com (kim@example.com, id {user.public_id})." in html
    for name in (
        "JWT login switched on",
        "Size and structure",
        "Algorithm",
        "Signature",
        "Time claims (exp, nbf, iat)",
        "Issuer and audience (iss, aud)",
        "One-time use (jti)",
    ):
        assert f"<strong>{name}</strong>" in html
    assert "Not checked: one-time use is off." in html
    assert "&quot;id&quot;: &quot;" + user.public_id in html
    assert (User.objects.count(), AuthEvent.objects.count(), UsedJti.objects.count()) == (
        users,
        events,
        jtis,
    )
    assert dict(cache._cache) == cached
    assert admin_client.session.get("_auth_user_id") != str(user.pk)


def test_a_refused_code_shows_the_error_code_and_the_persons_message(admin_client, secret):
    code = jwt.encode({"user": {"id": "x"}}, "a-different-secret-of-32-bytes-or-more", "HS256")
    html = admin_client.post(TESTER, {"code": code}).content.decode()
    assert "Refused: invalid_signature — " in html
    assert "The person would see: “This sign-in link is not valid." in html
    assert "Decoded for display only" in html
    assert not User.objects.filter(public_id="x").exists()


def test_decoded_text_is_escaped(admin_client, secret):
    header = "eyJhbGciOiJIUzI1NiJ9"
    payload = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg"  # <script>alert(1)</script>
    html = admin_client.post(TESTER, {"code": f"{header}.{payload}.sig"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_submission_is_a_form_error(admin_client):
    response = admin_client.post(TESTER, {"code": "   "})
    assert "Paste a code to test." in response.content.decode()
    assert response.context["report"] is None


def test_the_code_never_appears_in_a_url(admin_client, secret):
    code = jwt.encode({"id": "1"}, secret, algorithm="HS256")
    response = admin_client.post(TESTER, {"code": code})
    assert code not in response.get("Location", "")
    assert response.request["QUERY_STRING"] == ""
