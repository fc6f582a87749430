"""Single sign-on through a real OpenID Connect provider (Node's oidc-provider, started by
the test): a person clicks the provider's button on Parley's login page, signs in on the
provider's own login and consent pages, and lands in Parley."""

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, LoginMethod, User
from parley.audit.models import AuthEvent, Method
from parley.groups.models import Group, Membership, Source
from parley.sso import services
from parley.sso.models import Identity, Provider
from parley.sso.tests.idp import CLIENT_ID, CLIENT_SECRET, OidcIdp
from parley.tests.serving import free_port

ALICE = {"email": "alice@acme.test", "email_verified": True, "name": "Alice Smith"}


@pytest.fixture
def start_idp(live_server, tmp_path, settings):
    settings.SSO_ALLOW_HTTP_LOOPBACK = True
    running = []

    def start(name: str, *, accounts: dict | None = None, **fields) -> OidcIdp:
        slug = name.lower()
        callback = f"{live_server.url}/accounts/oidc/{slug}/login/callback/"
        idp = OidcIdp(tmp_path, redirect_uris=[callback])
        running.append(idp)
        idp.set_accounts(accounts or {"alice": ALICE})
        defaults = {
            "scopes": ("openid", "email", "profile", "groups"),
            "allow_private_network": True,  # the IdP listens on 127.0.0.1
        }
        services.add_oidc_provider(
            fields=services.OidcFields(
                name=name,
                issuer=idp.issuer,
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                **{**defaults, **fields},
            )
        )
        return idp

    yield start
    for idp in running:
        idp.stop()


def sign_in_at_idp(page, button: str, login: str = "alice", at_idp=None):
    page.goto("/accounts/login/")
    page.get_by_role("button", name=button).click()
    page.wait_for_url("http://127.0.0.1:*/interaction/**")
    if at_idp is not None:
        at_idp()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_first_sso_login_creates_the_person_and_a_second_refreshes_name_and_email(
    page, start_idp, live_server
):
    idp = start_idp("Acme")
    sign_in_at_idp(page, "Sign in with Acme")
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

    idp.set_accounts({"alice": {**ALICE, "email": "alice@new.acme.test", "name": "Alice Jones"}})
    page.context.clear_cookies()
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_text("Alice Jones").first).to_be_attached()
    user.refresh_from_db()
    assert (user.name, user.email) == ("Alice Jones", "alice@new.acme.test")
    assert User.objects.count() == 1


def test_groups_from_the_providers_claim_are_mapped_and_an_admins_membership_stays(
    page, start_idp, make_user
):
    sales = Group.objects.create(name="Sales")
    kept = Group.objects.create(name="Board")
    alice = make_user(email="alice@acme.test")
    Membership.objects.create(group=kept, user=alice, source=Source.MANUAL)
    services.update_sso_settings(
        link_by_email=True,
        sso_only=False,
        roles_from_claims=False,
        roles_claim="role",
        roles_allowed=["member"],
    )
    start_idp(
        "Acme", accounts={"alice": {**ALICE, "groups": ["sales", "unknown"]}}, groups_claim="groups"
    )
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_role("button", name="Sign in with Acme")).to_have_count(0)
    memberships = {m.group.name: m.source for m in Membership.objects.filter(user=alice)}
    assert memberships == {"Sales": Source.TOKEN, "Board": Source.MANUAL}
    assert not Group.objects.filter(name__iexact="unknown").exists()
    assert sales.memberships.count() == 1


def test_an_email_the_provider_does_not_verify_is_not_linked_to_the_existing_person(
    page, start_idp, make_user
):
    make_user(email="alice@acme.test")
    services.update_sso_settings(
        link_by_email=True,
        sso_only=False,
        roles_from_claims=False,
        roles_claim="role",
        roles_allowed=["member"],
    )
    start_idp("Acme", accounts={"alice": {**ALICE, "email_verified": False}})
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_text("cannot be joined to this sign-in")).to_be_visible()
    reference = page.locator(".reference, code").first.inner_text()
    event = AuthEvent.objects.get(reference__in=[reference, reference.strip()])
    assert event.reason == "sso_identity_conflict"
    assert "does not assert email_verified" in event.detail
    assert not Identity.objects.exists()
    assert User.objects.count() == 1


def test_two_providers_are_two_buttons_and_both_sign_people_in(page, start_idp):
    start_idp("Acme")
    start_idp(
        "Globex",
        accounts={"bob": {"email": "bob@globex.test", "email_verified": True, "name": "Bob"}},
    )
    page.goto("/accounts/login/")
    expect(page.locator(".sso-button")).to_have_text(["Sign in with Acme", "Sign in with Globex"])
    sign_in_at_idp(page, "Sign in with Globex", login="bob")
    expect(page.get_by_role("button", name="Sign in with Globex")).to_have_count(0)
    page.context.clear_cookies()
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_role("button", name="Sign in with Acme")).to_have_count(0)
    assert set(User.objects.values_list("email", flat=True)) == {
        "alice@acme.test",
        "bob@globex.test",
    }
    assert {i.provider.name for i in Identity.objects.all()} == {"Acme", "Globex"}


def test_a_full_instance_shows_the_seat_page_with_a_reference_and_creates_no_one(
    page, start_idp, make_user
):
    make_user(email="someone@else.test")
    accounts.set_seat_limit(limit=1)
    start_idp("Acme")
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_text("All seats on this Parley instance are taken")).to_be_visible()
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert event.reason == "seat_limit_reached"
    assert page.get_by_text(event.reference).count() == 1
    assert not User.objects.filter(email="alice@acme.test").exists()
    assert not Identity.objects.exists()


def test_an_email_outside_the_allowed_domains_is_refused(page, start_idp):
    start_idp("Acme", domains=("corp.test",))
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_text("domain may not sign in here")).to_be_visible()
    assert AuthEvent.objects.filter(method=Method.SSO).first().reason == "sso_domain_not_allowed"
    assert not User.objects.exists()


def test_a_callback_with_a_state_this_browser_never_started_is_refused(
    page, start_idp, live_server
):
    start_idp("Acme")
    page.goto(f"{live_server.url}/accounts/oidc/acme/login/callback/?code=abc&state=forged")
    expect(page.get_by_text("could not be matched to the one this browser started")).to_be_visible()
    assert AuthEvent.objects.filter(method=Method.SSO).first().reason == "sso_bad_state"
    assert not User.objects.exists()


def test_an_id_token_with_another_sign_ins_nonce_is_refused(page, start_idp):
    start_idp("Acme")

    def swap_nonce():
        # As if the id_token came from a sign-in another browser started: the nonce this
        # session stored no longer matches the one the provider puts in the id_token.
        session = import_module(settings.SESSION_ENGINE).SessionStore(_session_key(page))
        states = session["socialaccount_states"]
        for state in states.values():
            state[0]["parley_nonce"] = "another-sign-in"
        session["socialaccount_states"] = states
        session.save()

    sign_in_at_idp(page, "Sign in with Acme", at_idp=swap_nonce)
    expect(page.get_by_text("could not be matched to the one this browser started")).to_be_visible()
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert event.reason == "sso_bad_nonce"
    assert not User.objects.exists()


def test_cancelling_at_the_provider_shows_why_and_is_audited(page, start_idp):
    start_idp("Acme")
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Acme").click()
    page.get_by_role("link", name="[ Cancel ]").click()
    expect(page.get_by_text("The sign-in was cancelled at the identity provider")).to_be_visible()
    assert AuthEvent.objects.filter(method=Method.SSO).first().reason == "sso_cancelled"


def test_a_deactivated_person_is_refused(page, start_idp):
    start_idp("Acme")
    sign_in_at_idp(page, "Sign in with Acme")
    user = User.objects.get(email="alice@acme.test")
    accounts.deactivate_user(user=user)
    page.context.clear_cookies()
    sign_in_at_idp(page, "Sign in with Acme")
    expect(page.get_by_text("Your account has been deactivated")).to_be_visible()
    assert AuthEvent.objects.filter(method=Method.SSO).first().reason == "user_deactivated"


def _session_key(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "parley_session")


def test_a_provider_that_stops_answering_mid_sign_in_shows_why_and_is_audited(page, start_idp):
    start_idp("Acme")

    def token_endpoint_goes_away():
        provider = Provider.objects.get()
        provider.discovery["token_endpoint"] = f"http://127.0.0.1:{free_port()}/token"
        provider.save()

    sign_in_at_idp(page, "Sign in with Acme", at_idp=token_endpoint_goes_away)
    expect(page.get_by_text("The sign-in service could not be reached")).to_be_visible()
    event = AuthEvent.objects.filter(method=Method.SSO).first()
    assert (event.reason, event.outcome) == ("sso_provider_unreachable", "failure")
    assert "ConnectionError" in event.detail
    assert not User.objects.exists()
