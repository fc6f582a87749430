"""The owner's second-factor requirement for staff (on for a new instance): a reminder with
"Enrol now" during the grace period, then no admin page until they enrol; and an owner
resetting someone's factors, audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parley.accounts import second_factor, services
from parley.accounts.models import Role, User
from parley.accounts.tests.second_factor_flow import enrol_authenticator_app
from parley.audit.models import AuthEvent

ENROL = reverse("mfa_index")
ADMIN_PAGES = ["adminpanel:users", "adminpanel:audit", "adminpanel:authentication"]


def became_staff_days_ago(user: User, days: int) -> User:
    User.objects.filter(pk=user.pk).update(staff_since=timezone.now() - timedelta(days=days))
    user.refresh_from_db()
    return user


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.com", role=Role.ADMIN)


def test_a_new_instance_requires_a_second_factor_of_staff_within_seven_days(db):
    assert second_factor.get_policy() == second_factor.Policy(required=True, grace_days=7)


def test_inside_the_grace_period_every_admin_page_shows_the_enrol_now_reminder(client, admin):
    client.force_login(became_staff_days_ago(admin, 6))
    for name in ADMIN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "will ask for a second factor" in html
        assert f'<a href="{ENROL}">Enrol now</a>' in html


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_after_the_grace_period_no_admin_page_opens_until_they_enrol(client, admin, name):
    client.force_login(became_staff_days_ago(admin, 8))
    response = client.get(reverse(name), follow=True)
    assert response.redirect_chain == [(ENROL, 302)]
    assert "your grace period is over" in response.content.decode()

    enrol_authenticator_app(admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Enrol now" not in response.content.decode()


def test_an_admin_action_is_refused_after_the_grace_period_too(client, admin, make_user):
    member = make_user(email="m@example.com")
    client.force_login(became_staff_days_ago(admin, 30))
    response = client.post(reverse("adminpanel:deactivate", args=[member.public_id]))
    assert response.status_code == 302 and response["Location"] == ENROL
    member.refresh_from_db()
    assert member.is_active


def test_with_the_requirement_off_staff_are_neither_reminded_nor_stopped(client, admin):
    second_factor.set_policy(required=False, grace_days=7, by="test")
    client.force_login(became_staff_days_ago(admin, 100))
    response = client.get(reverse("adminpanel:users"))
    assert response.status_code == 200 and "Enrol now" not in response.content.decode()


def test_switching_the_requirement_on_gives_existing_staff_a_fresh_grace_period(client, admin):
    second_factor.set_policy(required=False, grace_days=7, by="test")
    became_staff_days_ago(admin, 100)
    second_factor.set_policy(required=True, grace_days=7, by="test")
    client.force_login(admin)
    response = client.get(reverse("adminpanel:users"))
    assert response.status_code == 200 and "Enrol now" in response.content.decode()


def test_the_grace_period_counts_from_becoming_staff_not_from_signing_up(make_user):
    member = make_user(email="late@example.com")
    User.objects.filter(pk=member.pk).update(created_at=timezone.now() - timedelta(days=90))
    assert member.staff_since is None
    promoted = services.set_role(by="test", user=member, role=Role.ADMIN)
    assert promoted.staff_since is not None
    assert not second_factor.enrolment_due(user=promoted).overdue
    since = promoted.staff_since
    # Between staff roles the clock keeps running; leaving staff stops it.
    assert services.set_role(by="test", user=promoted, role=Role.AUDITOR).staff_since == since
    demoted = services.set_role(by="test", user=promoted, role=Role.MEMBER)
    assert demoted.staff_since is None
    assert second_factor.enrolment_due(user=demoted) is None


def test_an_owner_sets_the_requirement_in_the_admin_panel(admin_client, admin_user):
    page = admin_client.get(reverse("adminpanel:authentication")).content.decode()
    assert "Require a second factor for owners and admins" in page
    response = admin_client.post(reverse("adminpanel:second_factor_policy"), {"grace_days": "3"})
    assert response.status_code == 302
    assert second_factor.get_policy() == second_factor.Policy(required=False, grace_days=3)
    admin_client.post(
        reverse("adminpanel:second_factor_policy"), {"required": "on", "grace_days": "14"}
    )
    assert second_factor.get_policy() == second_factor.Policy(required=True, grace_days=14)
    changes = AuthEvent.objects.filter(reason="second_factor_policy_changed").order_by("id")
    assert [(e.actor, e.detail) for e in changes] == [
        (f"user {admin_user.public_id}", "required of staff: off; grace 3 days"),
        (f"user {admin_user.public_id}", "required of staff: on; grace 14 days"),
    ]


@pytest.mark.parametrize("grace_days", ["-1", "366", "soon", ""])
def test_a_bad_grace_period_changes_nothing(admin_client, grace_days):
    response = admin_client.post(
        reverse("adminpanel:second_factor_policy"),
        {"required": "on", "grace_days": grace_days},
        follow=True,
    )
    assert "nothing was changed" in response.content.decode()
    assert second_factor.get_policy() == second_factor.Policy(required=True, grace_days=7)


def test_an_admin_sees_the_requirement_but_cannot_change_it(client, admin):
    client.force_login(admin)
    page = client.get(reverse("adminpanel:authentication")).content.decode()
    assert "Only an owner can change this" in page
    response = client.post(reverse("adminpanel:second_factor_policy"), {"grace_days": "1"})
    assert response.status_code == 403
    assert second_factor.get_policy().grace_days == 7


def test_an_owner_resets_a_members_second_factors_and_it_is_audited(
    admin_client, admin_user, make_user
):
    member = make_user(email="lost-phone@example.com")
    enrol_authenticator_app(member)
    page = admin_client.get(reverse("adminpanel:user", args=[member.public_id])).content
    assert b"Reset second factors" in page
    assert b"Recovery codes, Authenticator app" in page

    response = admin_client.post(
        reverse("adminpanel:reset_second_factors", args=[member.public_id]), follow=True
    )
    assert "Removed 2 second factors" in response.content.decode()
    assert not second_factor.has_second_factor(user=member)
    assert second_factor.factor_types(user=member) == []
    event = AuthEvent.objects.get(reason="second_factors_reset")
    assert (event.method, event.outcome, event.public_user_id, event.actor) == (
        "admin",
        "success",
        member.public_id,
        f"user {admin_user.public_id}",
    )
    assert "2 removed (recovery_codes, totp)" in event.detail


@pytest.mark.parametrize("role", [Role.ADMIN, Role.USER_MANAGER, Role.AUDITOR, Role.MEMBER])
def test_no_one_but_an_owner_may_reset_second_factors(client_as, make_user, role):
    member = make_user(email="keeps-factors@example.com")
    enrol_authenticator_app(member)
    client = client_as(role)
    response = client.post(reverse("adminpanel:reset_second_factors", args=[member.public_id]))
    assert response.status_code == 403
    assert second_factor.has_second_factor(user=member)
    assert not AuthEvent.objects.filter(reason="second_factors_reset").exists()
    if role != Role.MEMBER:
        page = client.get(reverse("adminpanel:user", args=[member.public_id])).content
        assert b"Reset second factors" not in page
