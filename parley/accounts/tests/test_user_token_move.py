"""UserToken moved from the api app to accounts: tokens issued before the upgrade keep
working after it, because the rows never move (same table, a state-only migration)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from parley.accounts.models import User, UserToken
from parley.accounts.tokens import hash_secret

BEFORE_THE_MOVE = [("accounts", "0002_unconfirmed_signup_status"), ("api", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_a_token_issued_before_the_move_still_authenticates_its_user_after_it(db, client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old_apps = executor.loader.project_state(BEFORE_THE_MOVE).apps
    OldUserToken = old_apps.get_model("api", "UserToken")
    # The user as that release stored it: today's services write columns it did not have.
    user = old_apps.get_model("accounts", "User").objects.create(
        public_id="1234567",
        email="old@example.com",
        email_normalized="old@example.com",
        created_via="admin",
        password="!",
    )
    secret = "pu_sess_issued-by-the-release-before-the-move"
    old = OldUserToken.objects.create(
        user_id=user.pk,
        token_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(hours=1),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert UserToken.objects.get().pk == old.pk
    user = User.objects.get(pk=user.pk)
    assert list(user.bearer_tokens.values_list("token_hash", flat=True)) == [old.token_hash]
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert (response.status_code, response.json()["id"]) == (200, user.public_id)
