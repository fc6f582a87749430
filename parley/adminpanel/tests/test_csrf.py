"""Every admin form is protected against cross-site request forgery."""

from django.urls import reverse

from parley.accounts import services
from parley.accounts.models import Status


def test_a_forged_deactivation_is_refused(strict_admin_client, make_user):
    user = make_user()
    url = reverse("adminpanel:deactivate", kwargs={"public_id": user.public_id})
    response = strict_admin_client.post(url)
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.status == Status.ACTIVE


def test_forged_settings_changes_are_refused(strict_admin_client):
    assert strict_admin_client.post(reverse("adminpanel:seats"), {"limit": "1"}).status_code == 403
    assert strict_admin_client.post(reverse("adminpanel:authentication"), {}).status_code == 403
    assert services.seat_usage().limit is None
    assert services.get_instance_settings().email_login_enabled


def test_the_form_with_its_token_goes_through(strict_admin_client, make_user):
    user = make_user()
    detail = reverse("adminpanel:user", kwargs={"public_id": user.public_id})
    strict_admin_client.get(detail)
    token = strict_admin_client.cookies["csrftoken"].value
    url = reverse("adminpanel:deactivate", kwargs={"public_id": user.public_id})
    response = strict_admin_client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED
