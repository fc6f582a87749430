"""Single sign-on through a real SAML 2.0 identity provider (pysaml2's IdP, started by the
test, signing with xmlsec1): a person clicks the provider's button on Parley's login page,
signs in on the IdP's own page, and its signed assertion, auto-posted to Parley's ACS,
signs them in under the same seat, group and audit rules as OIDC."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, LoginMethod, User
from parley.audit.models import AuthEvent, Method
from parley.groups.models import Group, Membership, Source
from parley.sso import saml_services, services
from parley.sso.models import Identity
from parley.sso.tests.idp import CLIENT_ID, CLIENT_SECRET, OidcIdp
from parley.sso.tests.saml_idp import DISPLAY_NAME, GROUPS, MAIL, SamlIdp

ALICE = {"mail": ["alice@acme.test"], "displayName": ["Alice Smith"]}


@pytest.fixture
def start_saml_idp(live_server, tmp_path, settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    running = []

    def start(name: str, *, accounts: dict | None = None, **fields) -> SamlIdp:
        slug = name.lower()
        idp = SamlIdp(
            tmp_path,
            sp_entity_id=f"{settings.PUBLIC_URL}/accounts/saml/{slug}/metadata/",
            acs_url=f"{live_server.url}/accounts/saml/{slug}/acs/",
        )
        running.append(idp)
        idp.set_accounts(accounts or {"alice": ALICE})
        defaults = {
            "attr_email": MAIL,
            "attr_name": DISPLAY_NAME,
            "groups_claim": GROUPS,
            "allow_private_network": True,  # the IdP's metadata is on 127.0.0.1
        }
        saml_services.add_saml_provider(
            fields=saml_services.SamlFields(
                name=name, metadata_url=idp.metadata_url, **{**defaults, **fields}
            )
        )
        return idp

    yield start
    for idp in running:
        idp.stop()


def sign_in_at_idp(page, button: str, username: str = "alice"):
    page.goto("/accounts/login/")
    page.get_by_role("button", name=button).click()
    page.wait_for_url("http://127.0.0.1:*/sso?**")
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Sign in").click()


def test_first_saml_login_creates_the_person_and_a_second_refreshes_name_and_email(
    page, start_saml_idp, live_server
):
    idp = start_saml_idp("Corp")
    sign_in_at_idp(page, "Sign in with Corp")
    expect(page).to_have_url(f"{live_server.url}/")
    user = User.objects.get(email="alice@acme.test")
    assert (user.name, user.created_via, user.last_login_method) == (
        "Alice Smith",
        CreatedVia.SSO,
        LoginMethod.SSO,
    )
    assert Identity.objects.get(user=user).subject == "alice"
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert (event.outcome, event.public_user_id) == ("success", user.public_id)
    assert "user created" in event.detail

    idp.set_accounts({"alice": {"mail": ["alice@new.acme.test"], "displayName": ["Alice Jones"]}})
    page.context.clear_cookies()
    sign_in_at_idp(page, "Sign in with Corp")
    expect(page.get_by_text("Alice Jones").first).to_be_attached()
    user.refresh_from_db()
    assert (user.name, user.email) == ("Alice Jones", "alice@new.acme.test")
    assert User.objects.count() == 1


def test_groups_from_the_groups_attribute_go_through_the_group_rules(page, start_saml_idp):
    Group.objects.create(name="Sales")
    kept = Group.objects.create(name="Board")
    idp = start_saml_idp("Corp", accounts={"alice": {**ALICE, "isMemberOf": ["sales", "unknown"]}})
    sign_in_at_idp(page, "Sign in with Corp")
    expect(page.get_by_role("button", name="Sign in with Corp")).to_have_count(0)
    alice = User.objects.get(email="alice@acme.test")
    memberships = {m.group.name: m.source for m in Membership.objects.filter(user=alice)}
    assert memberships == {"Sales": Source.TOKEN}
    assert not Group.objects.filter(name__iexact="unknown").exists()
    # An admin's membership stays when the IdP's list (now empty of Sales) is synced.
    Membership.objects.create(group=kept, user=alice, source=Source.MANUAL)
    idp.set_accounts({"alice": {**ALICE, "isMemberOf": ["other"]}})
    page.context.clear_cookies()
    sign_in_at_idp(page, "Sign in with Corp")
    expect(page.get_by_role("button", name="Sign in with Corp")).to_have_count(0)
    memberships = {m.group.name: m.source for m in Membership.objects.filter(user=alice)}
    assert memberships == {"Board": Source.MANUAL}


def test_a_full_instance_shows_the_seat_page_with_a_reference_and_creates_no_one(
    page, start_saml_idp, make_user
):
    make_user(email="someone@else.test")
    accounts.set_seat_limit(limit=1)
    start_saml_idp("Corp")
    sign_in_at_idp(page, "Sign in with Corp")
    expect(page.get_by_text("All seats on this Parley instance are taken")).to_be_visible()
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert event.reason == "seat_limit_reached"
    assert page.get_by_text(event.reference).count() == 1
    assert not User.objects.filter(email="alice@acme.test").exists()
    assert not Identity.objects.exists()


def test_an_oidc_and_a_saml_provider_are_two_buttons_and_both_sign_people_in(
    page, start_saml_idp, live_server, tmp_path
):
    start_saml_idp("Corp")
    callback = f"{live_server.url}/accounts/oidc/acme/login/callback/"
    oidc = OidcIdp(tmp_path, redirect_uris=[callback])
    try:
        oidc.set_accounts(
            {"bob": {"email": "bob@globex.test", "email_verified": True, "name": "Bob"}}
        )
        services.add_oidc_provider(
            fields=services.OidcFields(
                name="Acme",
                issuer=oidc.issuer,
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                scopes=("openid", "email", "profile"),
                allow_private_network=True,
            )
        )
        page.goto("/accounts/login/")
        expect(page.locator(".sso-button")).to_have_text(["Sign in with Acme", "Sign in with Corp"])
        page.get_by_role("button", name="Sign in with Acme").click()
        page.wait_for_url("http://127.0.0.1:*/interaction/**")
        page.locator("input[name=login]").fill("bob")
        page.locator("input[name=password]").fill("any password")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name="Sign in with Acme")).to_have_count(0)
        page.context.clear_cookies()
        sign_in_at_idp(page, "Sign in with Corp")
        expect(page).to_have_url(f"{live_server.url}/")
    finally:
        oidc.stop()
    assert set(User.objects.values_list("email", flat=True)) == {
        "alice@acme.test",
        "bob@globex.test",
    }
    assert {i.provider.name for i in Identity.objects.all()} == {"Acme", "Corp"}
    assert settings.SSO_ALLOW_HTTP_LOOPBACK
