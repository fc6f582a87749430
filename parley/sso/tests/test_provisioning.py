"""Claims to a Parley user, for any SSO provider: the link-by-email rule shared with the JWT
login (verified email, owner's switch, never an admin), seats, roles only when an owner
allows, groups through the JWT groups code, deactivated people refused."""

import pytest

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, Role, User
from parley.errors import SeatLimitReached, UserDeactivated
from parley.external_auth.errors import RoleNotAllowed
from parley.groups.models import Group, Membership, Source
from parley.sso.errors import EmailDomainNotAllowed, SsoIdentityConflict
from parley.sso.models import Identity, Provider, SsoSettings
from parley.sso.provisioning import claims_from_oidc, provision_sso_user


@pytest.fixture
def provider(db):
    return Provider.objects.create(name="Acme", slug="acme", issuer="https://idp.example")


def login(provider, *, settings=None, **claims):
    payload = {"sub": "s1", "email": "ann@acme.test", "email_verified": True, **claims}
    return provision_sso_user(
        provider=provider,
        claims=claims_from_oidc(payload),
        sso_settings=settings or SsoSettings(),
    )


def test_a_first_login_creates_the_person_with_a_seat_and_the_same_subject_returns(provider):
    first = login(provider, name="Ann")
    assert first.created and first.user.created_via == CreatedVia.SSO
    again = login(provider, name="Ann B")
    assert again.user.pk == first.user.pk and not again.created
    assert User.objects.get().name == "Ann B"


def test_linking_by_email_is_off_by_default(provider, make_user):
    make_user(email="ann@acme.test")
    with pytest.raises(SsoIdentityConflict, match="linking by email is off"):
        login(provider)
    assert not Identity.objects.exists()


def test_with_linking_on_a_verified_email_links_and_an_unverified_one_does_not(provider, make_user):
    holder = make_user(email="ann@acme.test")
    on = SsoSettings(link_by_email=True)
    with pytest.raises(SsoIdentityConflict, match="does not assert email_verified"):
        login(provider, settings=on, email_verified=False)
    with pytest.raises(SsoIdentityConflict, match="does not assert email_verified"):
        login(provider, settings=on, email_verified="yes")
    linked = login(provider, settings=on)
    assert linked.linked and linked.user.pk == holder.pk


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.USER_MANAGER, Role.AUDITOR])
def test_an_admins_account_is_never_linked(provider, make_user, role):
    make_user(email="ann@acme.test", role=role)
    with pytest.raises(SsoIdentityConflict, match="never takes over an admin"):
        login(provider, settings=SsoSettings(link_by_email=True))


def test_a_full_instance_creates_no_one(provider, make_user):
    make_user(email="other@example.com")
    accounts.set_seat_limit(limit=1)
    with pytest.raises(SeatLimitReached):
        login(provider)
    assert User.objects.count() == 1 and not Identity.objects.exists()


def test_an_email_outside_the_allowed_domains_is_refused_before_anything_changes(provider):
    provider.allowed_domains = ["corp.test"]
    with pytest.raises(EmailDomainNotAllowed):
        login(provider)
    with pytest.raises(EmailDomainNotAllowed):
        login(provider, email=None)
    assert not User.objects.exists()
    assert login(provider, email="ann@corp.test").created


def test_a_deactivated_person_is_refused(provider):
    user = login(provider).user
    accounts.deactivate_user(user=user)
    with pytest.raises(UserDeactivated):
        login(provider)


def test_roles_come_from_the_claim_only_when_an_owner_allows_and_lists_them(provider):
    assert login(provider, role="admin").user.role == Role.MEMBER
    allowed = SsoSettings(roles_from_claims=True, roles_claim="role", roles_allowed=["member"])
    with pytest.raises(RoleNotAllowed):
        login(provider, settings=allowed, role="admin")
    allowed.roles_allowed = ["member", "auditor", "owner"]
    assert login(provider, settings=allowed, role="auditor").user.role == Role.AUDITOR
    with pytest.raises(RoleNotAllowed):
        login(provider, settings=allowed, role="owner")


def test_groups_sync_through_the_jwt_groups_code_and_an_admins_membership_stays(provider):
    provider.groups_claim = "groups"
    sales, board = Group.objects.create(name="Sales"), Group.objects.create(name="Board")
    user = login(provider, groups=["sales"]).user
    Membership.objects.create(group=board, user=user, source=Source.MANUAL)
    assert set(user.group_memberships.values_list("group__name", "source")) == {
        ("Sales", Source.TOKEN),
        ("Board", Source.MANUAL),
    }
    login(provider, groups=[])
    assert list(user.group_memberships.values_list("group__name", flat=True)) == ["Board"]
    assert sales.memberships.count() == 0
