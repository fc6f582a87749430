"""`parley jwt`: every JWT setting scriptable, secrets set and revoked, and minted codes that
the instance accepts under its policy."""

import io
import json
import time

import jwt
import pytest
from django.test import Client

from parley.accounts import services as accounts
from parley.audit.models import AuthEvent
from parley.cli import main
from parley.external_auth import services
from parley.tests.serving import assert_one_line_error

STRONG = "Vq7-Xc9_Lp2mZr8Tn4Wk6Yb1Hd3Fg5Js"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def login(code: str) -> tuple[int, str | None]:
    """The status of `?externalAuthCode=` in a fresh browser, and the audit reason."""
    response = Client().get(f"/?externalAuthCode={code}")
    return response.status_code, AuthEvent.objects.order_by("-id").first().reason


def signed(secret: str, public_id: str = "77") -> str:
    return jwt.encode({"id": public_id, "iat": int(time.time())}, secret, algorithm="HS256")


def stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_jwt_policy_prints_every_value_readably_and_as_json_in_seconds(db, capsys):
    code, out, err = run(capsys, "jwt", "policy")
    assert (code, err) == (0, "")
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert {key: value.strip() for key, value in lines.items()} == {
        "JWT login": "off",
        "Issuer (iss)": "none expected (any or none accepted)",
        "Audience (aud)": "none (codes naming one are refused)",
        "Clock leeway": "1m",
        "Maximum lifetime": "none",
        "Require exp": "off",
        "One-time jti": "off",
        "Link by email": "off",
        "Admins may use JWT": "off",
        "Session length": "until the code expires (exp), at most the session maximum",
        "Session maximum": "14d",
        "Failure limit": "30 failed codes per address per 5m",
        "JWKS URL": "none",
        "JWKS private network": "off",
        "Groups from token": "off",
        "Groups claim": "user.groups",
        "Groups mode": "sync",
        "Unknown groups": "ignore",
        "Roles from token": "off",
        "Roles claim": "user.role",
        "Token may grant": "member",
    }
    code, out, _ = run(capsys, "jwt", "policy", "--json")
    assert code == 0
    assert json.loads(out) == {
        "enabled": False,
        "issuer": None,
        "audience": None,
        "leeway_seconds": 60,
        "max_lifetime_seconds": None,
        "require_exp": False,
        "one_time_jti": False,
        "link_by_email": False,
        "admins_may_use_jwt": False,
        "session_length": "code",
        "session_max_age_seconds": 14 * 86400,
        "failure_limit": 30,
        "failure_window_seconds": 300,
        "jwks_url": None,
        "jwks_allow_private_network": False,
        "groups_from_token": False,
        "groups_claim": "user.groups",
        "groups_mode": "sync",
        "unknown_groups": "ignore",
        "roles_from_token": False,
        "roles_claim": "user.role",
        "token_roles_allowed": ["member"],
    }


def test_jwt_policy_sets_every_value_and_prints_the_result(db, capsys):
    code, out, _ = run(
        capsys,
        *("jwt", "policy", "--json", "--issuer", "https://crm.example.com", "--audience"),
        *("parley", "--leeway", "30s", "--max-lifetime", "1h", "--require-exp", "on"),
        *("--one-time-jti", "ON", "--link-by-email", "on", "--admins-may-use-jwt", "on"),
        *("--session-max-age", "7d", "--failure-limit", "5", "--failure-window", "2m"),
        *("--session-length", "fixed"),
    )
    assert code == 0
    expected = {
        "session_length": "fixed",
        "issuer": "https://crm.example.com",
        "audience": "parley",
        "leeway_seconds": 30,
        "max_lifetime_seconds": 3600,
        "require_exp": True,
        "one_time_jti": True,
        "link_by_email": True,
        "admins_may_use_jwt": True,
        "session_max_age_seconds": 7 * 86400,
        "failure_limit": 5,
        "failure_window_seconds": 120,
    }
    unchanged = {
        "jwks_url": None,
        "jwks_allow_private_network": False,
        "groups_from_token": False,
        "groups_claim": "user.groups",
        "groups_mode": "sync",
        "unknown_groups": "ignore",
        "roles_from_token": False,
        "roles_claim": "user.role",
        "token_roles_allowed": ["member"],
    }
    assert json.loads(out) == {"enabled": False, **expected, **unchanged}
    row = services.get_jwt_settings()
    assert {field: getattr(row, field) for field in expected} == expected
    human = run(capsys, "jwt", "policy")[1]
    assert "Maximum lifetime:    1h" in human and "5 failed codes per address per 2m" in human
    assert "Session length:      fixed: 7d, whatever the code's exp" in human


def test_jwt_policy_takes_roles_from_the_token_only_as_told(db, capsys):
    code, out, err = run(
        capsys,
        *("jwt", "policy", "--json", "--roles-from-token", "on"),
        *("--roles-claim", "app.role", "--token-roles", "member,auditor"),
    )
    assert code == 0
    body = json.loads(out)
    assert (body["roles_from_token"], body["roles_claim"]) == (True, "app.role")
    assert body["token_roles_allowed"] == ["auditor", "member"]
    assert "roles are now taken from the token" in err
    run(capsys, "jwt", "policy", "--roles-from-token", "off")
    row = services.get_jwt_settings()
    assert (row.roles_from_token, row.roles_claim) == (False, "app.role")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--token-roles", "member,owner"], "A token can never make someone an owner."),
        (["--token-roles", "member,king"], "Unknown role: king."),
        (["--roles-claim", "none"], "Name the claim as a dotted path"),
    ],
)
def test_a_token_role_policy_no_token_may_have_is_refused_and_changes_nothing(
    db, capsys, argv, says
):
    code, _, err = run(capsys, "jwt", "policy", "--leeway", "5s", "--roles-from-token", "on", *argv)
    assert_one_line_error(code, err)
    assert says in err
    row = services.get_jwt_settings()
    assert (row.leeway_seconds, row.roles_from_token, row.token_roles_allowed) == (
        60,
        False,
        ["member"],
    )


def test_jwt_policy_none_clears_issuer_audience_and_maximum_lifetime(db, capsys):
    services.update_policy(issuer="crm", audience="parley", max_lifetime_seconds=600)
    run(capsys, "jwt", "policy", "--issuer", "none", "--audience", "NONE", "--max-lifetime", "none")
    row = services.get_jwt_settings()
    assert (row.issuer, row.audience, row.max_lifetime_seconds) == ("", "", None)


def test_jwt_policy_changes_only_the_values_given(db, capsys):
    services.update_policy(issuer="crm", one_time_jti=True)
    run(capsys, "jwt", "policy", "--leeway", "0")
    row = services.get_jwt_settings()
    assert (row.issuer, row.one_time_jti, row.leeway_seconds) == ("crm", True, 0)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--leeway", "banana"], "--leeway: 'banana' is not a duration"),
        (["--leeway", "2h"], "Leeway must be between 0 and 3600 seconds."),
        (["--require-exp", "maybe"], "--require-exp: 'maybe' is not on or off"),
        (["--failure-limit", "0"], "The failure limit must be between 1 and 100000"),
        (["--failure-limit", "many"], "--failure-limit: 'many' is not a whole number"),
        (["--failure-window", "1s"], "The failure window must be between 10 seconds"),
        (["--session-max-age", "10s"], "The session maximum must be between 1 minute"),
        (["--max-lifetime", "400d"], "The maximum lifetime must be between 1 second"),
        (["--issuer", "i" * 256], "The expected issuer is at most 255 characters."),
        (["--colour", "blue"], "unrecognized arguments"),
    ],
)
def test_a_bad_policy_value_is_one_clear_line_and_changes_nothing(db, capsys, argv, says):
    code, _, err = run(capsys, "jwt", "policy", "--leeway", "5s", *argv)
    assert_one_line_error(code, err)
    assert says in err
    assert services.get_jwt_settings().leeway_seconds == 60


@pytest.mark.parametrize(
    ("flag", "says"),
    [("--link-by-email", "trusts your systems"), ("--admins-may-use-jwt", "becomes an admin")],
)
def test_turning_on_a_risky_switch_warns_once(db, capsys, flag, says):
    code, out, err = run(capsys, "jwt", "policy", "--json", flag, "on")
    assert code == 0
    assert err.startswith("parley: warning: ") and says in err
    json.loads(out)  # the warning stays out of the machine-readable output
    assert run(capsys, "jwt", "policy", flag, "on")[2] == ""  # already on
    assert run(capsys, "jwt", "policy", flag, "off")[2] == ""


def test_jwt_secret_set_reads_stdin_and_the_old_secret_keeps_its_grace(
    db, capsys, monkeypatch, make_user
):
    make_user(public_id="77")
    old = services.enable_jwt()
    stdin(monkeypatch, f"{STRONG}\n")
    code, out, _ = run(capsys, "jwt", "secret", "--set", "-", "--grace", "1h")
    assert code == 0
    assert "Your secret is now the current one." in out and "keeps working for 1h" in out
    assert STRONG not in out
    assert services.current_secret().secret == STRONG
    assert login(signed(STRONG))[0] == 303
    assert login(signed(old))[0] == 303


@pytest.mark.parametrize(
    ("argv", "given", "says"),
    [
        (["--set", "-"], "my_very_long_and_safe_secret_key\n", "public lists of leaked"),
        (["--set", "-"], "12345678901234567890123456789012", "public lists of leaked"),
        (["--set", "-"], "short\n", "at least 32 bytes"),
        (["--set", "-"], "", "no secret on standard input"),
        (["--set", STRONG], "", "--set takes '-'"),
        (["--grace", "1h"], "", "--grace goes with --set"),
        (["--set", "-", "--grace", "31d"], STRONG, "between 0 and 30 days"),
    ],
)
def test_jwt_secret_set_refuses_what_the_panel_refuses(db, capsys, monkeypatch, argv, given, says):
    current = services.enable_jwt()
    stdin(monkeypatch, given)
    code, _, err = run(capsys, "jwt", "secret", *argv)
    assert_one_line_error(code, err)
    assert says in err
    assert services.current_secret().secret == current


def test_a_rotation_without_grace_from_the_cli_refuses_every_earlier_secret(db, capsys, make_user):
    make_user(public_id="77")
    first = services.enable_jwt()
    second = run(capsys, "jwt", "rotate", "--grace", "2h")[1].strip().splitlines()[-1]
    assert login(signed(first))[0] == 303
    code, out, _ = run(capsys, "jwt", "rotate", "--grace", "0m")
    assert code == 0 and "Every previous secret stopped working now." in out
    current = out.strip().splitlines()[-1]
    assert login(signed(first)) == (401, "invalid_signature")
    assert login(signed(second)) == (401, "invalid_signature")
    assert login(signed(current))[0] == 303


def test_jwt_revoke_previous_refuses_codes_of_secrets_in_grace(db, capsys, make_user):
    make_user(public_id="77")
    first = services.enable_jwt()
    run(capsys, "jwt", "rotate", "--grace", "2h")
    current = run(capsys, "jwt", "rotate", "--grace", "2h")[1].strip().splitlines()[-1]
    assert login(signed(first))[0] == 303
    code, out, _ = run(capsys, "jwt", "revoke-previous")
    assert code == 0 and out.startswith("Revoked 2 previous secrets")
    assert login(signed(first)) == (401, "invalid_signature")
    assert login(signed(current))[0] == 303
    assert "nothing to revoke" in run(capsys, "jwt", "revoke-previous")[1]


def test_a_minted_code_carries_the_expected_issuer_and_audience(db, capsys, make_user):
    make_user(public_id="77")
    run(capsys, "jwt", "enable")
    run(capsys, "jwt", "policy", "--issuer", "https://crm.example.com", "--audience", "parley")
    code = run(capsys, "jwt", "mint", "--id", "77")[1].strip()
    claims = jwt.decode(code, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"]) == ("https://crm.example.com", "parley")
    assert login(code)[0] == 303


def test_minting_respects_the_maximum_lifetime(db, capsys, make_user):
    make_user(public_id="77")
    run(capsys, "jwt", "enable")
    run(capsys, "jwt", "policy", "--max-lifetime", "1h", "--require-exp", "on")
    status, _, err = run(capsys, "jwt", "mint", "--id", "77", "--expires", "2h")
    assert_one_line_error(status, err)
    assert "longer than the maximum lifetime set in the JWT policy (1:00:00)" in err
    code = run(capsys, "jwt", "mint", "--id", "77")[1].strip()  # the 7-day default, capped
    claims = jwt.decode(code, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600
    assert login(code)[0] == 303


@pytest.mark.parametrize(
    ("setup", "argv", "says"),
    [
        ("off", ["--id", "77"], "Turn JWT login on first"),
        ("on", ["--id", "nobody"], "No user has the ID 'nobody'"),
        ("on", ["--email", "nobody@example.com"], "No user has the email address"),
        ("deactivated", ["--id", "77"], "is deactivated"),
        ("deactivated", ["--user-id", "77"], "is deactivated"),
        ("on", ["--user-id", "x\u0007y"], "The code would be refused: user.id"),
        ("on", ["--id", "77", "--expires", "0s"], "at least one second"),
    ],
)
def test_minting_refuses_a_code_the_instance_would_refuse(db, capsys, make_user, setup, argv, says):
    user = make_user(public_id="77")
    run(capsys, "jwt", "enable")
    if setup == "off":
        run(capsys, "jwt", "disable")
    if setup == "deactivated":
        accounts.deactivate_user(user=user)
    code, out, err = run(capsys, "jwt", "mint", *argv)
    assert_one_line_error(code, err)
    assert says in err
    assert out == ""


def test_minting_for_a_new_user_id_creates_them_on_login(db, capsys):
    run(capsys, "jwt", "enable")
    link = run(capsys, "jwt", "mint", "--user-id", "crm-9", "--user-email", "n@x.example", "--link")
    assert link[0] == 0 and "/?externalAuthCode=" in link[1]
    assert login(link[1].strip().split("externalAuthCode=", 1)[1])[0] == 303
    assert accounts.find_user_by_email("n@x.example").public_id == "crm-9"


def test_minting_for_an_admin_is_refused_until_admins_may_use_jwt(db, capsys, make_user):
    make_user(public_id="boss", role="admin")
    run(capsys, "jwt", "enable")
    status, out, err = run(capsys, "jwt", "mint", "--id", "boss")
    assert_one_line_error(status, err)
    assert "admins may not log in with a JWT" in err and out == ""
    run(capsys, "jwt", "policy", "--admins-may-use-jwt", "on")
    code = run(capsys, "jwt", "mint", "--id", "boss")[1].strip()
    assert login(code)[0] == 303


def test_jwt_policy_sets_the_jwks_url_with_the_panels_checks(db, capsys):
    status, out, err = run(capsys, "jwt", "policy", "--jwks-url", "http://127.0.0.1:9/jwks.json")
    assert_one_line_error(status, err)
    assert "private" in err and out == ""
    assert services.get_jwt_settings().jwks_url == ""

    status, out, err = run(
        capsys,
        "jwt",
        "policy",
        "--jwks-url",
        "http://127.0.0.1:9/jwks.json",
        "--jwks-allow-private-network",
        "on",
    )
    assert status == 0 and "JWKS URL:" in out and "http://127.0.0.1:9/jwks.json" in out
    assert "private network" in err  # the risky switch warns
    assert json.loads(run(capsys, "jwt", "policy", "--json")[1])["jwks_url"] == (
        "http://127.0.0.1:9/jwks.json"
    )
    run(capsys, "jwt", "policy", "--jwks-url", "none")
    assert services.get_jwt_settings().jwks_url == ""
