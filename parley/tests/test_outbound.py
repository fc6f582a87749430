"""URLs an admin types in reach only public addresses, checked after DNS, and the checked
address is the one connected to."""

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from parley import outbound

REFUSED = {
    "127.0.0.1": "loopback",
    "127.255.0.9": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "cloud metadata",
    "169.254.10.1": "link-local",
    "100.64.0.1": "shared (carrier-grade NAT)",
    "100.100.100.200": "cloud metadata",
    "168.63.129.16": "cloud metadata",
    "192.0.0.192": "reserved",
    "0.0.0.0": "unspecified",
    "224.0.0.1": "multicast",
    "233.252.0.1": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "::1": "loopback",
    "::": "unspecified",
    "fe80::1": "link-local",
    "fe80::1%1": "link-local",
    "fc00::1": "unique-local",
    "fd12:3456::1": "unique-local",
    "fd00:ec2::254": "cloud metadata",
    "ff02::1": "multicast",
    "::ffff:127.0.0.1": "loopback (IPv4 127.0.0.1 inside IPv6)",
    "::ffff:169.254.169.254": "cloud metadata (IPv4 169.254.169.254 inside IPv6)",
    "64:ff9b::a00:1": "private (IPv4 10.0.0.1 inside IPv6)",
    "2002:7f00:1::1": "loopback (IPv4 127.0.0.1 inside IPv6)",
    "2001:db8::1": "reserved",
}


@pytest.mark.parametrize(("address", "kind"), REFUSED.items())
def test_internal_addresses_are_refused_and_named(address, kind):
    assert outbound.refused_kind(address) == kind


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]
)
def test_public_addresses_are_allowed(address):
    assert outbound.refused_kind(address) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://0x7f.1/jwks",
        "https://2130706433/jwks",
        "https://127.1/jwks",
        "https://0/jwks",
        "https://[::ffff:127.0.0.1]/jwks",
        "https://[::1]:8443/jwks",
        "https://localhost/jwks",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
def test_odd_spellings_of_internal_addresses_are_refused_after_resolution(url):
    with pytest.raises(outbound.UrlRefused, match="resolves to"):
        outbound.resolve_allowed(url, allow_private_network=False)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://example.com/",
        "https:///x",
        "https://a.test:99999/",
        "https://[::1/",
    ],
)
def test_only_http_and_https_urls_with_a_host_are_fetched(url):
    with pytest.raises(outbound.UrlRefused, match="not an http"):
        outbound.fetch(url, allow_private_network=True, timeout=1, max_bytes=1)


def test_one_internal_answer_among_public_ones_refuses_the_name(fake_dns):
    fake_dns.add("idp.test", ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(outbound.UrlRefused, match="10.0.0.7, a private address"):
        outbound.resolve_allowed("https://idp.test/jwks", allow_private_network=False)


def test_the_private_network_switch_lets_internal_addresses_through(fake_dns):
    fake_dns.add("keys.internal", ["10.0.0.7"])
    addresses = outbound.resolve_allowed("https://keys.internal/jwks", allow_private_network=True)
    assert addresses == ["10.0.0.7"]


def test_a_name_that_does_not_resolve_is_a_clear_failure(fake_dns):
    fake_dns.add("nowhere.test")
    with pytest.raises(outbound.FetchFailed, match="nowhere.test does not resolve"):
        outbound.resolve_allowed("https://nowhere.test/", allow_private_network=False)


class Server:
    """An HTTP(S) server on 127.0.0.1 that records the Host header it was asked for."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.hosts: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hosts.append(self.headers["Host"])
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"hello")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.httpd.shutdown()


def test_the_fetch_connects_to_the_checked_address_not_a_second_dns_answer(fake_dns, server):
    # DNS rebinding: the first answer passes the check, a later one would point elsewhere
    # (127.0.0.2, where nothing listens). Only the first lookup may be used.
    fake_dns.add("idp.test", ["127.0.0.1"], ["127.0.0.2"])
    body = outbound.fetch(
        f"http://idp.test:{server.port}/jwks",
        allow_private_network=True,
        timeout=5,
        max_bytes=100,
    )
    assert body == b"hello"
    assert fake_dns.lookups["idp.test"] == 1
    assert server.hosts == [f"idp.test:{server.port}"]


def test_without_the_switch_the_fetch_is_refused_before_connecting(fake_dns, server):
    fake_dns.add("idp.test", ["127.0.0.1"])
    with pytest.raises(outbound.UrlRefused, match="loopback"):
        outbound.fetch(
            f"https://idp.test:{server.port}/jwks",
            allow_private_network=False,
            timeout=5,
            max_bytes=100,
        )
    assert server.hosts == []


def _certificate_authority(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Parley test CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _server_tls(tmp_path, ca, host_name: str) -> ssl.SSLContext:
    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host_name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{host_name}.pem", tmp_path / f"{host_name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


@pytest.mark.parametrize(("certified_name", "works"), [("idp.test", True), ("other.test", False)])
def test_tls_is_verified_for_the_host_name_while_connecting_to_the_address(
    tmp_path, monkeypatch, fake_dns, certified_name, works
):
    ca = _certificate_authority(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    tls_server = Server(tls=_server_tls(tmp_path, ca, certified_name))
    fake_dns.add("idp.test", ["127.0.0.1"])
    url = f"https://idp.test:{tls_server.port}/jwks"
    try:
        if works:
            assert outbound.fetch(url, allow_private_network=True, timeout=5, max_bytes=9) == (
                b"hello"
            )
            assert tls_server.hosts == [f"idp.test:{tls_server.port}"]
        else:
            with pytest.raises(outbound.FetchFailed, match="certificate verify failed"):
                outbound.fetch(url, allow_private_network=True, timeout=5, max_bytes=9)
    finally:
        tls_server.httpd.shutdown()
