"""`parley sso add-oidc | list | remove`: providers as code; a bad issuer or failing
discovery exits non-zero with one clear line and saves nothing."""

import io
import json

import pytest

from parley.cli import main
from parley.sso import services
from parley.sso.models import Provider
from parley.tests.serving import assert_one_line_error

from .conftest import CLIENT_ID


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_args(issuer_url, *extra):
    return ["sso", "add-oidc", "--name", "Acme", "--issuer", issuer_url, "--client-id", CLIENT_ID,
            "--client-secret", "s3cret-value", *extra]  # fmt: skip


def test_add_list_and_remove_a_provider(db, capsys, issuer):
    code, out, err = run(
        capsys,
        *add_args(issuer.origin, "--allow-private-network", "--domains", "a.com,B.com",
                  "--scopes", "openid email groups", "--groups-claim", "groups"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "/accounts/oidc/acme/login/callback/" in out
    code, out, _ = run(capsys, "sso", "list", "--json")
    [listed] = json.loads(out)
    assert listed["domains"] == ["a.com", "b.com"]
    assert listed["scopes"] == ["openid", "email", "groups"]
    assert "s3cret" not in out and "secret" not in listed
    code, out, _ = run(capsys, "sso", "list")
    assert "Acme" in out and "oidc" in out
    code, out, _ = run(capsys, "sso", "remove", "acme")
    assert code == 0 and not Provider.objects.exists()


def test_the_secret_can_come_from_stdin(db, capsys, issuer, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("from-stdin-secret\n"))
    args = add_args(issuer.origin, "--allow-private-network")
    args[args.index("s3cret-value")] = "-"
    assert run(capsys, *args)[0] == 0
    assert services.client_secret(Provider.objects.get()) == "from-stdin-secret"


@pytest.mark.parametrize(
    ("issuer_url", "extra", "says"),
    [
        ("http://login.example.com", (), "plain http is not allowed"),
        ("https://10.0.0.7", (), "10.0.0.7, a private address"),
        ("not a url", (), "The issuer URL cannot be used"),
    ],
)
def test_a_bad_issuer_exits_non_zero_with_one_line(db, capsys, issuer_url, extra, says):
    code, out, err = run(capsys, *add_args(issuer_url, *extra))
    assert_one_line_error(code, err)
    assert says in err
    assert not Provider.objects.exists()


def test_failing_discovery_exits_non_zero_with_one_line(db, capsys, issuer):
    issuer.serve_discovery(raw=b"<html>not json</html>")
    code, out, err = run(capsys, *add_args(issuer.origin, "--allow-private-network"))
    assert_one_line_error(code, err)
    assert "is not a JSON object" in err
    issuer.status = 404
    code, out, err = run(capsys, *add_args(issuer.origin, "--allow-private-network"))
    assert_one_line_error(code, err)
    assert "HTTP 404" in err
    assert not Provider.objects.exists()


def test_removing_an_unknown_provider_says_so(db, capsys):
    code, out, err = run(capsys, "sso", "remove", "nope")
    assert_one_line_error(code, err)
    assert "No SSO provider 'nope'" in err
