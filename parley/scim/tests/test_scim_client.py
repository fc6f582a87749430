"""scim2-client drives a live Parley as an identity provider would: create, filter,
deactivate, group member add and remove, delete; on SQLite here and, marked postgres, on
PostgreSQL behind `parley serve`."""

import json

import pytest

from parley.accounts.models import Status, User
from parley.groups.models import Membership, Source
from parley.tests.serving import parley_env, postgres_database, run_cli, serving

from .scim_client_flow import run_provisioning


def _assert_provisioned(seen):
    assert seen["found"] == [seen["ann"].id]
    assert seen["deactivated_active"] is False
    assert seen["members"] == [seen["bob"].id]
    assert seen["bob_left"] == 0


def test_scim2_client_provisions_people_and_groups_on_a_live_parley(live_server, transactional_db):
    from parley.scim import tokens

    _, secret = tokens.create_token(name="Entra ID", created_by="test")
    seen = run_provisioning(live_server.url, secret)
    _assert_provisioned(seen)
    ann = User.objects.get(public_id="emp-1")
    assert (ann.email, ann.name, ann.status) == ("ann@example.com", "Ann Lee", Status.DEACTIVATED)
    assert not Membership.objects.exclude(source=Source.SCIM).exists()


@pytest.mark.postgres
def test_scim2_client_provisions_on_postgresql_and_a_full_instance_refuses_the_next(tmp_path):
    import httpx2

    with postgres_database() as url:
        env = parley_env(tmp_path, DATABASE_URL=url)
        secret = run_cli(env, "scim", "token", "create", "--name", "Okta").strip().splitlines()[-1]
        with serving(env, tmp_path / "serve.log") as base:
            seen = run_provisioning(base, secret)
            _assert_provisioned(seen)
            listed = json.loads(run_cli(env, "users", "list", "--json"))
            in_use = sum(1 for user in listed if user["status"] == "active")
            run_cli(env, "seats", "set", str(in_use))  # every seat taken
            refused = httpx2.post(
                f"{base}/scim/v2/Users",
                json={
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": "c@example.com",
                },
                headers={"Authorization": f"Bearer {secret}"},
            )
        assert refused.status_code == 403 and "No seat is free" in refused.json()["detail"]
        users = run_cli(env, "users", "list", "--json")
        assert "c@example.com" not in users and "ann@example.com" in users
        assert '"last_used_at": null' not in run_cli(env, "scim", "token", "list", "--json")
