"""docs/jwt.md's Node example runs as written (saved as mint.js, with jsonwebtoken installed),
and the guide names the screens as the admin panel shows them."""

import re
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "jwt.md"
SECRET = "docs-example-secret-of-at-least-32-bytes!"


def node_example() -> str:
    return re.search(r"```js\n(// mint\.js.*?)```", DOC.read_text(), re.S).group(1)


def test_the_node_example_is_commonjs_like_the_admin_snippet():
    code = node_example()
    assert 'const jwt = require("jsonwebtoken");' in code
    assert "import " not in code  # ESM is described beside it, for a .mjs file


@pytest.mark.skipif(not shutil.which("npm"), reason="needs node and npm")
def test_the_node_example_runs_as_written_and_signs_a_login_code(tmp_path):
    install = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "jsonwebtoken@9"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if install.returncode != 0:
        pytest.skip(f"npm could not install jsonwebtoken: {install.stderr[-200:]}")
    (tmp_path / "mint.js").write_text(node_example())
    result = subprocess.run(
        ["node", "mint.js"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "JWT_AUTH_SECRET": SECRET},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    url = result.stdout.strip()
    assert url.startswith("https://chat.example.com/?externalAuthCode=")
    claims = jwt.decode(url.split("=", 1)[1], SECRET, algorithms=["HS256"])
    assert claims["user"] == {"id": "crm-4711", "email": "kim@example.com"}
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_the_guide_names_the_screens_and_the_jwks_url():
    text = DOC.read_text()
    assert "Admin Panel → User Authentication → **JWT settings**" in text
    assert "**Sign in with an external code (JWT)**" in text
    assert "Admin Panel → JWT →" not in text
    assert "### JWKS URL" in text and "--jwks-url" in text
    assert "--session-length code|fixed" in text and "**A fixed length**" in text
