"""Upgrading an existing instance: the second-factor requirement stays off until an owner
turns it on, and its staff count as staff from the upgrade; a new instance has it on."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("accounts", "0005_display_name_and_sso_scim_origins")
WITH_IT = ("accounts", "0006_second_factor_policy")


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_instance_keeps_the_requirement_off_and_its_staff_get_a_start():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    old.get_model("accounts", "InstanceSettings").objects.create(pk=1)
    user_model = old.get_model("accounts", "User")
    user_model.objects.create(public_id="1", role="admin", created_via="cli", password="!")
    user_model.objects.create(public_id="2", role="member", created_via="cli", password="!")

    executor = MigrationExecutor(connection)
    executor.migrate([WITH_IT])
    new = executor.loader.project_state([WITH_IT]).apps
    settings_row = new.get_model("accounts", "InstanceSettings").objects.get(pk=1)
    assert settings_row.mfa_required_for_staff is False
    assert settings_row.mfa_grace_days == 7
    users = new.get_model("accounts", "User").objects
    assert users.get(public_id="1").staff_since is not None
    assert users.get(public_id="2").staff_since is None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_new_instance_has_the_requirement_on(db):
    from parley.accounts.services import get_instance_settings

    assert get_instance_settings().mfa_required_for_staff is True
