"""The one rule for a user's public id, email and metadata, whichever way the user comes in."""

import subprocess

import pytest

from parley.accounts import services
from parley.accounts.login_links import create_login_link
from parley.accounts.models import CreatedVia, LoginLink, User
from parley.cli import main
from parley.errors import UserDeactivated, ValidationFailed
from parley.tests.serving import PARLEY, parley_env, postgres_database

# 298 characters: Django's validate_email takes up to 320, the column holds 254.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 57] * 3 + ["b" * 55]) + ".com"


@pytest.mark.parametrize("public_id", ["a\u200bb", "a\u202eb", "a\u2028b", "\ufeffa", "a\x85"])
def test_an_id_a_jwt_could_never_name_is_refused_and_nothing_is_created(db, public_id):
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(email=None, public_id=public_id, created_via=CreatedVia.ADMIN)
    assert "must not contain invisible or control characters" in refused.value.user_message
    assert not User.objects.exists()


def test_createadmin_with_a_298_character_email_prints_one_clear_line(db, capsys):
    assert len(LONG_EMAIL) == 298
    code = main(["createadmin", "--email", LONG_EMAIL])
    _, err = capsys.readouterr()
    assert code != 0
    assert err.strip() == (
        "parley: An email address can be at most 254 characters; this one has 298."
    )
    assert not User.objects.exists()


def test_an_email_of_254_characters_is_the_longest_taken(db):
    email = "a" * 64 + "@" + ".".join(["b" * 61] * 3) + ".com"
    assert len(email) == 254
    assert services.create_user(email=email, created_via=CreatedVia.CLI).email == email


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_createadmin_with_a_298_character_email_is_refused_on_postgresql(tmp_path):
    with postgres_database() as url:
        env = parley_env(tmp_path, DATABASE_URL=url)
        result = subprocess.run(
            [str(PARLEY), "createadmin", "--email", LONG_EMAIL],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        users = subprocess.run(
            [str(PARLEY), "users", "list", "--json"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "parley: An email address can be at most 254 characters; this one has 298."
    )
    assert users.returncode == 0 and users.stdout.strip() == "[]"


@pytest.mark.parametrize("metadata", [{"note": "a\x00b"}, {"a\x00": 1}, {"x": [{"y": "\x00"}]}])
def test_metadata_with_a_nul_character_is_refused_on_every_database(db, metadata):
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(email=None, metadata=metadata, created_via=CreatedVia.API)
    assert refused.value.user_message == "Metadata contains a U+0000 character."
    assert not User.objects.exists()


def test_the_service_itself_makes_no_login_link_for_a_deactivated_user(make_user, admin_user):
    user = make_user()
    services.deactivate_user(user=user)
    with pytest.raises(UserDeactivated) as refused:
        create_login_link(user=user, created_by="test")
    assert refused.value.user_message == (
        "This user is deactivated; reactivate them before creating a login link."
    )
    assert not LoginLink.objects.exists()
