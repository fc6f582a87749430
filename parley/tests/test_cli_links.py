"""Links printed by `parley createadmin` and `parley jwt mint --link` open where `parley serve`
really serves (its port, not always 8000) unless PARLEY_PUBLIC_URL says otherwise."""

import httpx
import pytest

from parley.cli.serve import link_url
from parley.tests.serving import parley_env, run_cli, serving


def _links(env):
    admin = run_cli(env, "createadmin", "--email", "ops@example.com").splitlines()[-1]
    run_cli(env, "jwt", "enable")
    mint = run_cli(env, "jwt", "mint", "--user-id", "u1", "--link").strip()
    return admin, mint


def test_cli_links_carry_the_port_serve_uses(tmp_path):
    env = parley_env(tmp_path)
    with serving(env, tmp_path / "serve.log") as base:
        assert not base.endswith(":8000")
        admin, mint = _links(env)
        assert admin.startswith(f"{base}/login/link/")
        assert mint.startswith(f"{base}/?externalAuthCode=")
        # Each link works where it points.
        assert httpx.get(admin).status_code == 302
        assert httpx.get(mint).status_code == 303


def test_the_public_url_wins_when_set_for_serve_or_for_the_command(tmp_path):
    public = "https://chat.example.com"
    with serving(parley_env(tmp_path, PARLEY_PUBLIC_URL=public), tmp_path / "serve.log"):
        pass  # noted where links go, then stopped
    admin, mint = _links(parley_env(tmp_path))
    assert admin.startswith(f"{public}/login/link/") and mint.startswith(f"{public}/?")
    other = "https://other.example.com"
    admin, _ = _links(parley_env(tmp_path, PARLEY_PUBLIC_URL=other))
    assert admin.startswith(f"{other}/login/link/")


def test_without_serve_links_use_the_default_port(tmp_path):
    admin, _ = _links(parley_env(tmp_path))
    assert admin.startswith("http://127.0.0.1:8000/login/link/")


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:9000"),
        ("0.0.0.0", "http://127.0.0.1:9000"),
        ("::", "http://[::1]:9000"),
        ("::1", "http://[::1]:9000"),
        ("chat.internal", "http://chat.internal:9000"),
    ],
)
def test_a_listen_all_host_is_linked_on_loopback(host, url):
    assert link_url(host=host, port=9000) == url
