"""The `parley` command line: plain output, one clear error line, no tracebacks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.accounts import services
from parley.accounts.models import Role
from parley.cli import main
from parley.tests.serving import assert_one_line_error

PARLEY = Path(sys.executable).with_name("parley")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_seats_prints_used_over_limit(db, capsys, make_user):
    make_user()
    assert run(capsys, "seats") == (0, "1/unlimited\n", "")
    code, out, _ = run(capsys, "seats", "set", "5")
    assert code == 0 and "1/5" in out
    assert run(capsys, "seats")[1] == "1/5\n"
    assert run(capsys, "seats", "set", "unlimited")[0] == 0
    assert services.seat_usage().limit is None


@pytest.mark.parametrize("bad", ["banana", "-3", "1.5", ""])
def test_seats_set_rejects_non_numbers(db, capsys, bad):
    code, _, err = run(capsys, "seats", "set", bad)
    assert_one_line_error(code, err)
    assert services.seat_usage().limit is None


def test_seats_set_below_seats_in_use_is_refused(db, capsys, make_user):
    make_user()
    make_user()
    code, _, err = run(capsys, "seats", "set", "1")
    assert_one_line_error(code, err)
    assert "2 seats are in use" in err
    assert services.seat_usage().limit is None


def test_createadmin_on_an_instance_without_owner_creates_the_owner_with_a_working_link(
    db, capsys, client
):
    code, out, _ = run(capsys, "createadmin", "--email", "Boss@Example.com")
    assert code == 0
    assert out.startswith("Owner boss@example.com") or out.startswith("Owner Boss@Example.com")
    link = out.strip().splitlines()[-1]
    assert "/login/link/" in link
    user = services.find_user_by_email("boss@example.com")
    assert user.role == Role.OWNER
    response = client.get(link.split("127.0.0.1:8000", 1)[1])
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_createadmin_once_an_owner_exists_promotes_a_member_to_admin(
    db, capsys, make_user, admin_user
):
    member = make_user(email="lee@example.com")
    assert run(capsys, "createadmin", "--email", "LEE@example.com")[0] == 0
    member.refresh_from_db()
    assert member.role == Role.ADMIN
    assert services.seat_usage().used == 2


@pytest.mark.parametrize("email", ["not-an-email", "", "a@", "@b.com"])
def test_createadmin_rejects_invalid_email_and_creates_nothing(db, capsys, email):
    code, _, err = run(capsys, "createadmin", "--email", email)
    assert_one_line_error(code, err)
    assert services.seat_usage().used == 0


def test_users_list_json_has_the_documented_fields(db, capsys, make_user):
    make_user(email="a@example.com", metadata={"team": "red"})
    code, out, _ = run(capsys, "users", "list", "--json")
    assert code == 0
    [user] = json.loads(out)
    assert {"id", "email", "status", "role", "created_via"} <= user.keys()
    assert user["email"] == "a@example.com" and user["status"] == "active"
    assert user["metadata"] == {"team": "red"}


def test_users_list_prints_a_table(db, capsys, make_user):
    user = make_user(email="table@example.com")
    code, out, _ = run(capsys, "users", "list")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["ID", "EMAIL", "STATUS"]
    assert user.public_id in out and "table@example.com" in out


@pytest.mark.parametrize(
    "argv",
    [["bogus"], [], ["users"], ["users", "delete"], ["serve", "--port", "0"], ["seats", "x"]],
)
def test_bad_commands_print_one_line_and_exit_non_zero(db, capsys, argv):
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err)


def test_installed_console_script_reports_errors_without_traceback(tmp_path):
    env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [str(PARLEY), "seats", "set", "banana"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "parley: seat limit must be a whole number or 'unlimited', not 'banana'"
    ]


def test_jwt_enable_prints_the_secret_last_and_secret_repeats_it(db, capsys):
    code, out, _ = run(capsys, "jwt", "enable")
    assert code == 0
    secret = out.strip().splitlines()[-1]
    assert len(secret) >= 43
    assert run(capsys, "jwt", "secret")[1].strip() == secret
    assert run(capsys, "jwt", "enable")[1].strip().splitlines()[-1] == secret  # idempotent


def test_jwt_secret_before_enable_is_a_clear_error(db, capsys):
    code, _, err = run(capsys, "jwt", "secret")
    assert_one_line_error(code, err)
    assert "parley jwt enable" in err


def test_jwt_rotate_prints_a_new_secret_and_the_old_one_keeps_verifying(db, capsys):
    from parley.external_auth.services import secrets_in_grace

    old = run(capsys, "jwt", "enable")[1].strip().splitlines()[-1]
    code, out, _ = run(capsys, "jwt", "rotate", "--grace", "2h")
    new = out.strip().splitlines()[-1]
    assert code == 0 and new != old
    assert [s.secret for s in secrets_in_grace()] == [old]


@pytest.mark.parametrize("grace", ["banana", "-1h", "2w", "31d"])
def test_jwt_rotate_rejects_bad_grace_periods(db, capsys, grace):
    run(capsys, "jwt", "enable")
    code, _, err = run(capsys, "jwt", "rotate", "--grace", grace)
    assert_one_line_error(code, err)


def test_jwt_mint_makes_codes_that_log_in(db, capsys, client, make_user):
    make_user(public_id="77", email="m@example.com")
    run(capsys, "jwt", "enable")
    for argv in (["--id", "77"], ["--email", "m@example.com"]):
        code, out, _ = run(capsys, "jwt", "mint", *argv, "--expires", "10m")
        assert code == 0
        client.logout()
        assert client.get(f"/?externalAuthCode={out.strip()}").status_code == 303
    code, out, _ = run(capsys, "jwt", "mint", "--user-id", "new-1", "--user-email", "n@example.com")
    client.logout()  # else the code for someone else asks before switching
    assert client.get(f"/?externalAuthCode={out.strip()}").status_code == 303
    assert services.find_user_by_email("n@example.com").public_id == "new-1"


@pytest.mark.parametrize(
    "argv",
    [
        ["jwt", "mint"],
        ["jwt", "mint", "--id", "1", "--email", "a@b.c"],
        ["jwt", "mint", "--email", "a@b.c", "--user-email", "x@y.z"],
        ["jwt", "mint", "--id", "1", "--expires", "soon"],
        ["jwt", "frobnicate"],
    ],
)
def test_jwt_mint_rejects_bad_arguments(db, capsys, argv):
    run(capsys, "jwt", "enable")
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err)


def test_jwt_disable_turns_code_logins_off(db, capsys, client, make_user):
    make_user(public_id="77")
    run(capsys, "jwt", "enable")
    token = run(capsys, "jwt", "mint", "--id", "77")[1].strip()
    assert run(capsys, "jwt", "disable")[0] == 0
    assert client.get(f"/?externalAuthCode={token}").status_code == 403


def test_apikey_create_prints_a_working_key_last_and_list_shows_it(db, capsys, client):
    from parley.api.models import ApiKey

    code, out, _ = run(capsys, "apikey", "create", "--name", "Back office")
    assert code == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("pk_live_")
    stored = ApiKey.objects.get()
    assert (stored.name, stored.created_by) == ("Back office", "cli")
    assert key not in stored.key_hash
    response = client.get("/api/v1/seats", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    code, out, _ = run(capsys, "apikey", "list")
    assert code == 0
    assert "Back office" in out and stored.prefix in out and key not in out
    assert out.splitlines()[1].split()[-1] == "active"


def test_apikey_revoke_by_prefix_or_id_stops_the_key(db, capsys, client):
    from parley.api.models import ApiKey

    key = run(capsys, "apikey", "create", "--name", "one")[1].strip().splitlines()[-1]
    prefix = ApiKey.objects.get().prefix
    code, out, _ = run(capsys, "apikey", "revoke", prefix)
    assert code == 0 and "revoked" in out
    response = client.get("/api/v1/seats", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401 and response.json()["code"] == "api_key_revoked"
    run(capsys, "apikey", "create", "--name", "two")
    second = ApiKey.objects.get(name="two")
    assert run(capsys, "apikey", "revoke", str(second.pk))[0] == 0
    assert "revoked" in run(capsys, "apikey", "list")[1].splitlines()[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["apikey", "create"],
        ["apikey", "create", "--name", "  "],
        ["apikey", "revoke", "pk_live_nosuchkey"],
        ["apikey", "revoke", "999"],
        ["apikey"],
    ],
)
def test_apikey_errors_are_one_line(db, capsys, argv):
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err)


def test_mfa_policy_shows_and_changes_the_requirement_for_staff(db, capsys):
    from parley.accounts import second_factor

    code, out, _ = run(capsys, "mfa", "policy")
    assert code == 0 and "owners and admins: on" in out and "7 days" in out
    code, out, _ = run(capsys, "mfa", "policy", "--require-for-admins", "off", "--grace-days", "3")
    assert code == 0 and "owners and admins: off" in out and "3 days" in out
    assert second_factor.get_policy() == second_factor.Policy(required=False, grace_days=3)


@pytest.mark.parametrize(
    "argv",
    [("--grace-days", "soon"), ("--grace-days", "400"), ("--require-for-admins", "maybe")],
)
def test_mfa_policy_refuses_bad_input_and_changes_nothing(db, capsys, argv):
    from parley.accounts import second_factor

    code, out, err = run(capsys, "mfa", "policy", *argv)
    assert code != 0 and out == "" and err.startswith("parley: ")
    assert second_factor.get_policy() == second_factor.Policy(required=True, grace_days=7)


def test_mfa_reset_removes_a_users_factors_and_is_audited(db, capsys, make_user):
    from parley.accounts import second_factor
    from parley.accounts.tests.second_factor_flow import enrol_authenticator_app
    from parley.audit.models import AuthEvent

    user = make_user(email="lost@example.com")
    enrol_authenticator_app(user)
    code, out, _ = run(capsys, "mfa", "reset", user.public_id)
    assert code == 0 and f"Removed 2 second factor(s) of user {user.public_id}" in out
    assert not second_factor.has_second_factor(user=user)
    event = AuthEvent.objects.get(reason="second_factors_reset")
    assert (event.public_user_id, event.actor) == (user.public_id, "command line")
    code, _, err = run(capsys, "mfa", "reset", "no-such-user")
    assert code == 2 and "no user with id 'no-such-user'" in err
