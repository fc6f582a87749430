"""User services: roles, deletion, the last owner, bootstrap owner, public ids."""

import pytest

from parley.accounts import services
from parley.accounts.bootstrap import ensure_admin_login_link
from parley.accounts.models import Role, Status, User
from parley.errors import EmailTaken, LastOwner, ValidationFailed


def test_the_last_active_owner_cannot_be_demoted_deactivated_or_deleted(admin_user):
    for role in (Role.ADMIN, Role.MEMBER):
        with pytest.raises(LastOwner):
            services.set_role(by="test", user=admin_user, role=role)
    with pytest.raises(LastOwner):
        services.deactivate_user(user=admin_user)
    with pytest.raises(LastOwner):
        services.delete_user(user=admin_user)
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.status) == (Role.OWNER, Status.ACTIVE)


def test_an_owner_can_step_down_once_another_owner_exists(admin_user, make_user):
    other = make_user()
    services.set_role(by="test", user=other, role=Role.OWNER)
    assert services.set_role(by="test", user=admin_user, role=Role.MEMBER).role == Role.MEMBER


def test_an_admin_who_is_not_an_owner_can_be_demoted_deactivated_and_deleted(admin_user, make_user):
    admin = make_user(role=Role.ADMIN)
    assert services.set_role(by="test", user=admin, role=Role.AUDITOR).role == Role.AUDITOR
    assert services.deactivate_user(user=admin).status == Status.DEACTIVATED
    services.delete_user(user=admin)
    assert not User.objects.filter(pk=admin.pk).exists()


def test_deleting_a_user_frees_their_seat_and_email(make_user):
    user = make_user(email="gone@example.com")
    services.delete_user(user=user)
    assert services.seat_usage().used == 0
    assert make_user(email="gone@example.com").email == "gone@example.com"


@pytest.mark.parametrize("public_id", ["", "   ", "x" * 256, "tab\there", "nul\x00", "del\x7f"])
def test_bad_public_ids_are_refused(db, public_id):
    with pytest.raises(ValidationFailed):
        services.create_user(email=None, created_via="jwt", public_id=public_id)
    assert User.objects.count() == 0


def test_duplicate_public_id_is_refused_as_taken(make_user):
    from parley.errors import UserIdTaken

    make_user(public_id="crm-42")
    with pytest.raises(UserIdTaken):
        make_user(public_id="crm-42")


def test_changing_email_to_one_in_use_is_refused(make_user):
    make_user(email="taken@example.com")
    other = make_user(email="free@example.com")
    with pytest.raises(EmailTaken):
        services.update_email(user=other, email="TAKEN@example.com")
    other.refresh_from_db()
    assert other.email == "free@example.com"


def test_first_start_creates_an_owner_and_keeps_offering_a_link_until_one_logs_in(db):
    assert "/login/link/" in ensure_admin_login_link()
    assert User.objects.filter(role=Role.OWNER).count() == 1
    assert ensure_admin_login_link() is not None
    assert User.objects.count() == 1
    admin = User.objects.get(role=Role.OWNER)
    services.record_login(user=admin, method="link")
    assert ensure_admin_login_link() is None


def test_an_old_email_address_stops_working_after_the_email_changes(make_user):
    from allauth.account.models import EmailAddress

    user = make_user(email="old@example.com")
    EmailAddress.objects.create(user=user, email="old@example.com", verified=True, primary=True)
    services.update_email(user=user, email="new@example.com")
    assert not EmailAddress.objects.filter(email="old@example.com").exists()
