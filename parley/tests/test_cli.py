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

PARLEY = Path(sys.executable).with_name("parley")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err):
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


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


def test_createadmin_creates_an_admin_and_prints_a_working_link(db, capsys, client):
    code, out, _ = run(capsys, "createadmin", "--email", "Boss@Example.com")
    assert code == 0
    link = out.strip().splitlines()[-1]
    assert "/login/link/" in link
    user = services.find_user_by_email("boss@example.com")
    assert user.role == Role.ADMIN
    response = client.get(link.split("127.0.0.1:8000", 1)[1])
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_createadmin_promotes_an_existing_member(db, capsys, make_user):
    member = make_user(email="lee@example.com")
    assert run(capsys, "createadmin", "--email", "LEE@example.com")[0] == 0
    member.refresh_from_db()
    assert member.role == Role.ADMIN
    assert services.seat_usage().used == 1


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
