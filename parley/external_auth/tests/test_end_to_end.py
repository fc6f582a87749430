"""Codes minted elsewhere — Node's jsonwebtoken exactly as the public doc shows, PyJWT with
RSA/EC/Ed25519 keys — log people in; concurrent first logins never exceed the seats."""

import json
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from parley.accounts.models import User
from parley.external_auth import services
from parley.tests.serving import jwt_users, parley_env, postgres_database, run_cli, serving

NODE_SIGN = """
const jwt = require('jsonwebtoken');
const [payload, secret] = [JSON.parse(process.argv[2]), process.argv[3]];
console.log(jwt.sign(payload, secret, { expiresIn: '7 days' }));
"""


@pytest.fixture(scope="session")
def node_sign(tmp_path_factory):
    """`jwt.sign(payload, secret, {expiresIn: '7 days'})` with jsonwebtoken from npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.fail("node and npm are needed to mint tokens the way integrators do")
    workdir = tmp_path_factory.mktemp("node-jwt")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "jsonwebtoken@9"],
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (workdir / "sign.js").write_text(NODE_SIGN)

    def sign(payload: dict, secret: str) -> str:
        result = subprocess.run(
            [node, "sign.js", json.dumps(payload), secret],
            cwd=workdir,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    return sign


@pytest.fixture
def instance(tmp_path):
    env = parley_env(tmp_path)
    secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]
    with serving(env, tmp_path / "serve.log") as base:
        yield base, secret, env


def home_after_login(base: str, token: str) -> httpx.Response:
    """Follow the code like a browser: the 303, then the page with the new session."""
    with httpx.Client(base_url=base) as client:
        response = client.get(f"/?externalAuthCode={token}")
        assert response.status_code == 303, response.text[:500]
        assert response.headers["location"] == "/"
        return client.get("/")


def test_node_jsonwebtoken_codes_from_the_public_doc_log_people_in(instance, node_sign):
    base, secret, env = instance
    # Create a new user (the doc's Node example), then log in by id as a number and by email.
    new_user = {"user": {"id": "1234", "email": "user-1@yourcompany.com", "other": "anything"}}
    assert "Welcome" in home_after_login(base, node_sign(new_user, secret)).text
    for payload in ({"id": 1234}, {"email": "user-1@yourcompany.com"}):
        page = home_after_login(base, node_sign(payload, secret))
        assert page.status_code == 200 and "1234" in page.text
    [user] = jwt_users(env)
    assert (user["id"], user["created_via"], user["metadata"]) == (
        "1234",
        "jwt",
        {"other": "anything"},
    )


def test_a_node_code_signed_with_another_secret_is_refused(instance, node_sign):
    base, _, env = instance
    token = node_sign({"user": {"id": "x"}}, "some-other-secret-that-is-long-enough-1234")
    response = httpx.get(f"{base}/?externalAuthCode={token}")
    assert response.status_code == 401
    assert jwt_users(env) == []


def _race(base: str, secret: str) -> list[int]:
    tokens = [
        jwt.encode({"user": {"id": f"racer-{n}"}, "exp": int(time.time()) + 600}, secret)
        for n in range(50)
    ]
    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(
            pool.map(
                lambda t: httpx.get(f"{base}/?externalAuthCode={t}", timeout=60).status_code,
                tokens,
            )
        )


def _ten_free_seats(env):
    run_cli(env, "createadmin", "--email", "admin@example.com")  # takes the 11th seat
    run_cli(env, "seats", "set", "11")


def _check_race(env, statuses):
    assert sorted(statuses).count(303) == 10, statuses
    assert sorted(statuses).count(409) == 40, str(sorted(statuses))
    assert len(jwt_users(env)) == 10
    assert run_cli(env, "seats").strip() == "11/11"


def test_fifty_concurrent_first_logins_against_ten_seats_make_ten_users_on_sqlite(tmp_path):
    env = parley_env(tmp_path)
    secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]
    _ten_free_seats(env)
    with serving(env, tmp_path / "serve.log") as base:
        statuses = _race(base, secret)
    _check_race(env, statuses)


@pytest.mark.postgres
def test_fifty_concurrent_first_logins_against_ten_seats_make_ten_users_on_postgres(tmp_path):
    with postgres_database() as url:
        env = parley_env(tmp_path, DATABASE_URL=url)
        secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]
        _ten_free_seats(env)
        with serving(env, tmp_path / "serve.log", workers=2) as base:
            statuses = _race(base, secret)
        _check_race(env, statuses)


def _pem(private_key) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    ("make_key", "alg"),
    [
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256"),
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), "PS256"),
        (lambda: ec.generate_private_key(ec.SECP256R1()), "ES256"),
        (lambda: ed25519.Ed25519PrivateKey.generate(), "EdDSA"),
    ],
)
def test_pyjwt_codes_signed_with_public_key_pairs_log_people_in(client, db, make_key, alg):
    services.enable_jwt()
    private_key = make_key()
    services.add_public_key(pem=_pem(private_key), kid="k1")
    token = jwt.encode(
        {"user": {"id": f"pk-{alg}"}, "exp": int(time.time()) + 60},
        private_key,
        algorithm=alg,
        headers={"kid": "k1"},
    )
    assert client.get(f"/?externalAuthCode={token}").status_code == 303
    assert User.objects.filter(public_id=f"pk-{alg}").exists()
    other = make_key()
    forged = jwt.encode({"user": {"id": "forged"}}, other, algorithm=alg, headers={"kid": "k1"})
    assert client.get(f"/?externalAuthCode={forged}").status_code == 401
    assert not User.objects.filter(public_id="forged").exists()


def test_a_pyjwt_code_made_with_the_secret_logs_in(client, db):
    secret = services.enable_jwt()
    token = jwt.encode({"user": {"id": "py-1", "email": "py@example.com"}}, secret)
    assert client.get(f"/?externalAuthCode={token}").status_code == 303
    assert User.objects.get(public_id="py-1").email == "py@example.com"
