"""JWT sign-ins are vouched for by the integrator: a person with a second factor is not
asked for it, and the admin rule (no JWT login for staff unless an owner allowed it) holds
whatever factors they have."""

import pytest

from parley.accounts.models import Role
from parley.accounts.tests.second_factor_flow import enrol_authenticator_app
from parley.audit.models import Outcome
from parley.external_auth import services

from .factories import last_event, url_login

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_a_members_jwt_login_is_not_asked_for_their_authenticator_code(client, mint, make_user):
    member = make_user(email="totp-member@corp.example", public_id="crm-42")
    enrol_authenticator_app(member)
    response = url_login(client, mint({"id": "crm-42"}))
    assert response.status_code == 303
    assert "/2fa/" not in response["Location"] and "second-factor" not in response["Location"]
    assert client.session["_auth_user_id"] == str(member.pk)
    assert (last_event().method, last_event().reason) == ("jwt", "ok")
    assert client.get("/").status_code == 200


def test_an_enrolled_admin_still_cannot_log_in_by_jwt_unless_an_owner_allowed_it(
    client, mint, make_user
):
    admin = make_user(email="totp-admin@corp.example", role=Role.ADMIN, public_id="admin-9")
    enrol_authenticator_app(admin)
    assert url_login(client, mint({"id": "admin-9"})).status_code == 403
    assert (last_event().outcome, last_event().reason) == (Outcome.FAILURE, "admin_jwt_not_allowed")
    assert "_auth_user_id" not in client.session

    services.update_policy(admins_may_use_jwt=True)
    assert url_login(client, mint({"id": "admin-9"})).status_code == 303
    assert client.session["_auth_user_id"] == str(admin.pk)
