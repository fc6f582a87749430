"""SSO sign-ins are vouched for by the identity provider: a person with a Parley second
factor is signed in without being asked for it (docs/security.md)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore

from parley.accounts.tests.second_factor_flow import enrol_authenticator_app
from parley.sso.login import finish_login
from parley.sso.models import Provider
from parley.sso.provisioning import claims_from_oidc


def sso_login(rf, provider):
    request = rf.get("/sso/acme/callback/")
    request.session, request.user = SessionStore(), AnonymousUser()
    claims = claims_from_oidc({"sub": "s1", "email": "ann@acme.test", "email_verified": True})
    return request, finish_login(request, provider=provider, claims=claims, next_url=None)


def test_an_sso_login_of_someone_with_an_authenticator_app_is_not_asked_for_it(rf, db):
    provider = Provider.objects.create(name="Acme", slug="acme", issuer="https://idp.example")
    first, _ = sso_login(rf, provider)
    enrol_authenticator_app(first.user)

    request, response = sso_login(rf, provider)
    assert response.status_code == 302 and response["Location"] == "/"
    assert request.session[SESSION_KEY] == str(first.user.pk)
