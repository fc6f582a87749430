"""Admin → Seats lists who holds the seats and frees those of members who stopped coming:
a list to confirm first, never staff, each deactivation audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parley.accounts.models import Role, Status, User
from parley.audit.models import AuthEvent

SEATS = reverse("adminpanel:seats")
FREE = reverse("adminpanel:seats_free_inactive")


@pytest.fixture
def people(make_user):
    old = timezone.now() - timedelta(days=200)
    gone = make_user(email="gone@example.com")
    never = make_user(email="never@example.com")
    recent = make_user(email="recent@example.com")
    staff = make_user(email="old-admin@example.com", role=Role.ADMIN)
    User.objects.filter(pk__in=[gone.pk, staff.pk]).update(last_login_at=old, created_at=old)
    User.objects.filter(pk=never.pk).update(created_at=old)
    User.objects.filter(pk=recent.pk).update(last_login_at=timezone.now())
    return gone, never, recent, staff


def test_the_seats_page_lists_who_holds_seats_longest_away_first(admin_client, people):
    html = admin_client.get(SEATS).content.decode()
    holders = html.split('id="seat-holders"', 1)[1].split("</table>", 1)[0]
    order = [holders.index(e) for e in ("never@", "gone@", "recent@")]
    assert order == sorted(order)
    assert "admin@example.com" in holders


def test_freeing_seats_shows_the_list_first_and_changes_nothing(admin_client, people):
    gone, never, recent, staff = people
    html = admin_client.post(FREE, {"days": "90"}).content.decode()
    assert "Deactivate 2 people with no login for 90 days?" in html
    listed = html.split('id="to-deactivate"', 1)[1].split("</ul>", 1)[0]
    assert gone.public_id in listed and never.public_id in listed
    assert recent.public_id not in listed and staff.public_id not in listed
    assert User.objects.filter(status=Status.DEACTIVATED).count() == 0


def test_confirming_deactivates_the_listed_members_and_audits_each(admin_client, people):
    gone, never, recent, staff = people
    body = {"days": "90", "confirm": "yes", "user": [gone.public_id, never.public_id]}
    response = admin_client.post(FREE, body, follow=True)
    assert "Deactivated 2 people with no login for 90 days" in response.content.decode()
    deactivated = set(User.objects.filter(status=Status.DEACTIVATED).values_list("pk", flat=True))
    assert deactivated == {gone.pk, never.pk}
    events = AuthEvent.objects.filter(method="admin", reason="deactivated_inactive")
    assert set(events.values_list("public_user_id", flat=True)) == {gone.public_id, never.public_id}
    actor = User.objects.get(email="admin@example.com").public_id
    assert events.first().actor == f"user {actor}"
    assert events.first().detail == "no login for 90 days"


def test_a_confirm_cannot_reach_staff_or_someone_who_came_back(admin_client, people):
    gone, never, recent, staff = people
    User.objects.filter(pk=gone.pk).update(last_login_at=timezone.now())  # back since the list
    body = {
        "days": "90",
        "confirm": "yes",
        "user": [gone.public_id, recent.public_id, staff.public_id],
    }
    admin_client.post(FREE, body)
    assert User.objects.filter(status=Status.DEACTIVATED).count() == 0


@pytest.mark.parametrize("days", ["0", "-3", "abc", "", "99999"])
def test_a_bad_number_of_days_is_refused_with_the_reason(admin_client, people, days):
    html = admin_client.post(FREE, {"days": days, "confirm": "yes"}).content.decode()
    assert "Enter a number of days from 1 to 3650." in html
    assert User.objects.filter(status=Status.DEACTIVATED).count() == 0
