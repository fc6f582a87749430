"""Parley behind a real nginx on https, as deployed: `parley serve` with PARLEY_PUBLIC_URL on
https and PARLEY_BEHIND_PROXY=true, nginx terminating TLS with a certificate made here.

nginx connects to Parley from 127.0.0.3, the only trusted proxy; this test's own requests
come from 127.0.0.2 through nginx, or from 127.0.0.1 straight to the app port (a client
that found the port). Mail goes to an SMTP server in this process.
"""

import contextlib
import datetime
import http.server
import ipaddress
import os
import re
import shutil
import subprocess
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

import httpx
import jwt
import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import expect

from parley.tests.serving import free_port, parley_env, run_cli, serving

pytestmark = [pytest.mark.proxy, pytest.mark.timeout(180)]  # and `browser`, as in conftest

NGINX_ADDRESS = "127.0.0.3"  # nginx -> Parley: PARLEY_TRUSTED_PROXIES
CLIENT_ADDRESS = "127.0.0.2"  # this test -> nginx
SPOOFED = "203.0.113.66"  # what a client claims in X-Forwarded-For
URL = re.compile(r"https?://\S+")

NGINX_CONF = """
daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_bind {nginx_address};
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    if os.geteuid() == 0:
        pytest.fail("nginx is missing: scripts/test installs it (apt-get install nginx)")
    pytest.skip("nginx is missing and this is not root: run 'sudo apt-get install -y nginx'")


def write_certificate(directory) -> None:
    """A self-signed certificate for 127.0.0.1, as a test instance would have."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (directory / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(message.get_body(("plain",)).get_content())
        return "250 OK"


class Stack:
    """The running pieces and how to reach them."""

    def __init__(self, public_url, app_url, env, inbox, nginx_dir):
        self.public_url, self.app_url, self.env = public_url, app_url, env
        self.inbox, self.nginx_dir = inbox, nginx_dir
        self.jwt_secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]

    def via_nginx(self) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS, verify=False)
        return httpx.Client(base_url=self.public_url, transport=transport, timeout=20)

    def direct(self) -> httpx.Client:
        return httpx.Client(base_url=self.app_url, timeout=20)

    def last_audit_client(self) -> str:
        script = (
            "from parley.audit.models import AuthEvent; "
            "print(AuthEvent.objects.order_by('-id').first().client_ip)"
        )
        return run_cli(self.env, "manage", "shell", "-c", script).splitlines()[-1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    nginx = nginx_binary()
    data_dir = tmp_path_factory.mktemp("parley")
    nginx_dir = tmp_path_factory.mktemp("nginx")
    write_certificate(nginx_dir)
    port = free_port()
    public_url = f"https://127.0.0.1:{port}"
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = parley_env(
        data_dir,
        PARLEY_PUBLIC_URL=public_url,
        PARLEY_BEHIND_PROXY="true",
        PARLEY_TRUSTED_PROXIES=f"{NGINX_ADDRESS}/32",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
    )
    try:
        with serving(env, data_dir / "serve.log") as app_url:
            app_port = int(app_url.rsplit(":", 1)[1])
            conf = nginx_dir / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(
                    dir=nginx_dir, port=port, app_port=app_port, nginx_address=NGINX_ADDRESS
                )
            )
            process = subprocess.Popen(
                [nginx, "-p", str(nginx_dir), "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
            try:
                stack = Stack(public_url, app_url, env, inbox, nginx_dir)
                _wait_for(stack, process)
                yield stack
            finally:
                process.terminate()
                process.wait(timeout=10)
    finally:
        smtp.stop()


@contextlib.contextmanager
def shop_serving(page: str):
    """The integrator's site: another origin, on loopback like Parley (Chromium lets only
    secure or equally private pages load scripts from a loopback address)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _wait_for(stack, process) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with stack.via_nginx() as client:
                if client.get("/healthz").status_code == 200:
                    return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log = stack.nginx_dir / "error.log"
            pytest.fail(f"nginx did not start:\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.2)


def test_the_audit_log_believes_forwarded_addresses_only_from_nginx(stack):
    bad_code = {"externalAuthCode": "not-a-jwt"}
    spoof = {"X-Forwarded-For": SPOOFED}
    with stack.via_nginx() as client:
        assert client.get("/", params=bad_code, headers=spoof).status_code == 401
    # nginx appended the address it saw; the one the client wrote is not believed.
    assert stack.last_audit_client() == CLIENT_ADDRESS

    with stack.direct() as client:
        assert client.get("/", params=bad_code, headers=spoof).status_code == 401
    assert stack.last_audit_client() == "127.0.0.1"


def test_hsts_comes_over_https_and_forged_https_or_hosts_get_nothing(stack):
    with stack.via_nginx() as client:
        page = client.get("/accounts/login/")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert client.get("/", headers={"Host": "evil.test"}).status_code == 400
        # The client's own X-Forwarded-Host is overwritten by nginx.
        assert client.get("/healthz", headers={"X-Forwarded-Host": "evil.test"}).status_code == 200

    with stack.direct() as client:
        direct = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert direct.status_code == 200
        assert "strict-transport-security" not in direct.headers
        forged = {"X-Forwarded-Host": "evil.test"}  # dropped: not from a trusted proxy
        assert client.get("/accounts/login/", headers=forged).status_code == 200
        assert client.get("/", headers={"Host": "evil.test"}).status_code == 400
        stream = client.post("/chat/stream/abc/", json={}, headers={"Host": "evil.test"})
        assert (stream.status_code, stream.json()["code"]) == (400, "bad_host")
        # A load balancer's health check names the worker's IP.
        assert client.get("/readyz", headers={"Host": "10.1.2.3:8000"}).status_code == 200


def _request_code(client, email) -> int:
    form = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = client.post(
        "/accounts/login/",
        data={"login": email, "csrfmiddlewaretoken": token},
        headers={
            "Origin": str(client.base_url).rstrip("/"),
            "Referer": f"{client.base_url}accounts/login/",
            # The csrftoken cookie is Secure: httpx keeps it from plain http by itself.
            "Cookie": f"csrftoken={form.cookies['csrftoken']}",
        },
    )
    return response.status_code


def test_email_links_point_at_the_public_url_however_the_request_came(stack):
    for client, email in [
        (stack.via_nginx(), "via-nginx@example.com"),
        (stack.direct(), "direct@example.com"),
    ]:
        with client:
            assert _request_code(client, email) == 302
        body = stack.inbox.messages[-1]
        assert f"{stack.public_url}/accounts/signup/?email={email.replace('@', '%40')}" in body
        assert all(url.startswith(stack.public_url + "/") for url in URL.findall(body)), body


def test_the_widget_loads_from_the_https_origin_on_another_site(stack, browser):
    code = jwt.encode(
        {"user": {"id": "shop-7", "email": "ana@example.com"}, "exp": int(time.time()) + 600},
        stack.jwt_secret,
        "HS256",
    )
    host_page = (
        "<!doctype html><title>Shop</title><h1>Our shop</h1>"
        f'<script defer data-external-auth-code="{code}" '
        f'src="{stack.public_url}/widget.js"></script>'
    )
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(15_000)
    with shop_serving(host_page) as shop:
        allow = (
            "from parley.widget import services as s; s.update_widget_settings("
            f"allowed_origins=[{shop!r}], title='Shop help', accent_color='#0f766e', "
            "position='bottom-right', open_on_load=False)"
        )
        run_cli(stack.env, "manage", "shell", "-c", allow)
        try:
            page = context.new_page()
            page.goto(f"{shop}/")
            page.get_by_role("button", name="Open Shop help").click()
            frame_element = page.locator('iframe[data-parley-frame="0"]')
            assert frame_element.get_attribute("src").startswith(f"{stack.public_url}/")
            frame = page.frame_locator('iframe[data-parley-frame="0"]')
            expect(frame.locator("#who")).to_have_text("ana@example.com")
            frame.get_by_label("Message").fill("Hello through nginx")
            frame.get_by_role("button", name="Send").click()
            answer = frame.locator(".msg-assistant")
            # The answer streams through nginx (SSE) from the native async handler.
            expect(answer).not_to_have_class("streaming", timeout=30_000)
            expect(answer).not_to_be_empty()
        finally:
            context.close()
