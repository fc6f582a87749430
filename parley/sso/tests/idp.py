"""A real OpenID Connect provider for the tests: Node's `oidc-provider` (tests/idp/), run in
a subprocess with a client registered for Parley. npm installs it on first use (scripts/test
does so up front)."""

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from parley.tests.serving import free_port

IDP_DIR = Path(__file__).resolve().parents[3] / "tests" / "idp"
CLIENT_ID = "parley"
CLIENT_SECRET = "parley-test-client-secret"


def ensure_installed() -> None:
    """npm ci into tests/idp/node_modules when the package is missing (the lock file pins
    it); a clear failure when Node or npm is not there."""
    if (IDP_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise RuntimeError("the SSO tests need Node 20 and npm (apt-get install nodejs npm)")
    subprocess.run(  # noqa: S603 - fixed arguments
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=IDP_DIR,
        check=True,
        timeout=600,
    )


class IdpProcess:
    """What the test IdPs (this OIDC one and saml_idp.SamlIdp) share: the accounts they
    know, start-up, and stop. Subclasses set process, log and accounts_file."""

    def set_accounts(self, accounts: dict) -> None:
        self.accounts_file.write_text(json.dumps(accounts))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def wait_until_up(idp: IdpProcess, url: str, name: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - http test IdP
                if response.status == 200:
                    return
        except OSError:
            if idp.process.poll() is not None or time.monotonic() > deadline:
                idp.stop()
                raise RuntimeError(f"{name} did not start; see {idp.log.name}") from None
            time.sleep(0.1)


class OidcIdp(IdpProcess):
    """One running identity provider; `accounts` are the people it knows (login name →
    claims), written to a file the IdP reads at each request."""

    def __init__(self, tmp_path: Path, *, redirect_uris: list[str]):
        ensure_installed()
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.accounts_file = tmp_path / f"idp-accounts-{self.port}.json"
        self.set_accounts({})
        env = {
            **os.environ,
            "IDP_PORT": str(self.port),
            "IDP_CLIENT_ID": CLIENT_ID,
            "IDP_CLIENT_SECRET": CLIENT_SECRET,
            "IDP_REDIRECT_URIS": ",".join(redirect_uris),
            "IDP_ACCOUNTS": str(self.accounts_file),
            "NODE_ENV": "test",
        }
        self.log = (tmp_path / f"idp-{self.port}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [shutil.which("node"), str(IDP_DIR / "oidc_idp.mjs")],
            cwd=IDP_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        wait_until_up(self, f"{self.issuer}/.well-known/openid-configuration", "the test IdP")
