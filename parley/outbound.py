"""Fetching a URL an admin typed in without letting it reach the server's own network."""

import http.client
import ipaddress
import socket
import ssl
import unicodedata
from urllib.parse import urljoin, urlsplit

from parley.errors import ParleyError, ValidationFailed

MAX_REDIRECTS = 3
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Addresses an admin-typed URL must not reach unless the admin allows the private network:
# the server itself, its LAN, its cloud's metadata service and everything not routable on
# the internet. Python's is_global misses some of these (multicast, 192.0.0.0/24 on 3.11),
# so the list is explicit (most specific first: it names the kind); is_global is checked too.
_REFUSED_NETWORKS = [
    (ipaddress.ip_network(network), kind)
    for network, kind in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.100.100.200/32", "cloud metadata"),
        ("100.64.0.0/10", "shared (carrier-grade NAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.169.254/32", "cloud metadata"),
        ("169.254.0.0/16", "link-local"),
        ("168.63.129.16/32", "cloud metadata"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"),
        ("192.0.2.0/24", "reserved"),
        ("192.88.99.0/24", "reserved"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "reserved"),
        ("198.51.100.0/24", "reserved"),
        ("203.0.113.0/24", "reserved"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "reserved"),
        ("64:ff9b:1::/48", "private"),
        ("100::/64", "reserved"),
        ("2001:db8::/32", "reserved"),
        ("fd00:ec2::254/128", "cloud metadata"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UrlRefused(ValidationFailed):
    """The URL reaches an address the rule forbids, or cannot be used at all."""

    code = "url_refused"


class FetchFailed(ParleyError):
    """The URL was allowed but fetching it failed (DNS, connection, TLS, HTTP status)."""

    code = "fetch_failed"
    status = 502
    user_message = "Parley could not fetch this URL."


def why_url_refused(url: str, *, max_chars: int, http_loopback: bool) -> str | None:
    """Why an admin-typed URL of a key set or identity provider cannot be used, or None:
    https only (plain http only for 127.0.0.1 and localhost, when `http_loopback`), no
    user name or password, no fragment. Where it may connect is resolve_allowed's rule."""
    if not url:
        return "it is empty"
    if len(url) > max_chars:
        return f"it is longer than {max_chars} characters"
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port raises on an invalid one
    except ValueError:
        return "it is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        return f"the scheme {scheme or '(none)'!r} is not allowed"
    if not parts.hostname:
        return "it has no host"
    if parts.username is not None or parts.password is not None:
        return "it contains a user name or password"
    if parts.fragment:
        return "it has a #fragment"
    if scheme == "http" and not (http_loopback and parts.hostname in LOOPBACK_HOSTS):
        if http_loopback:
            return "plain http is allowed only for 127.0.0.1 and localhost"
        return "plain http is not allowed"
    return None


def refused_kind(address: str) -> str | None:
    """Why `address` (an IP as text) must not be reached, e.g. "loopback", or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            kind = refused_kind(str(embedded))
            return f"{kind} (IPv4 {embedded} inside IPv6)" if kind else None
    for network, kind in _REFUSED_NETWORKS:
        if ip in network:
            return kind
    return None if ip.is_global else "reserved"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped, NAT64, 6to4 or Teredo."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def resolve_allowed(url: str, *, allow_private_network: bool) -> list[str]:
    """Resolve the URL's host once and check every address it resolves to. Returns the
    addresses to connect to; raises UrlRefused if any is forbidden (one forbidden answer
    among public ones is how DNS rebinding is tried), FetchFailed if the name does not
    resolve."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a bad port or IPv6 literal
        parts, port = None, None
    if parts is None or port is None or not parts.hostname:
        raise UrlRefused(
            f"{url[:200]!r} is not an http(s) URL with a host",
            user_message="Only http:// and https:// URLs with a host name can be fetched.",
        )
    host = _ascii_host(parts.hostname)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(
            f"{host} does not resolve: {exc}",
            user_message=f"The host name {host} could not be resolved.",
        ) from None
    addresses = list(dict.fromkeys(answer[4][0] for answer in answers))
    if not allow_private_network:
        for address in addresses:
            kind = refused_kind(address)
            if kind:
                raise UrlRefused(
                    f"{host} resolves to {address}, a {kind} address",
                    user_message=(
                        f"This URL points to {address}, a {kind} address inside your network "
                        "or this server. Parley refuses such addresses unless you allow a "
                        "private-network URL."
                    ),
                )
    return addresses


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise UrlRefused(
            f"host {host!r:.80} is not a valid host name",
            user_message="The host name in this URL is not valid.",
        ) from None


def fetch(
    url: str,
    *,
    allow_private_network: bool,
    timeout: float,
    max_bytes: int,
    accept: str = "application/json",
) -> bytes:
    """GET `url` (http or https) and return at most `max_bytes + 1` bytes of the body.

    Each connection goes to an address resolve_allowed checked, never to a second DNS
    answer (DNS rebinding), while TLS still verifies the certificate for the host name and
    the Host header names it. Redirects are followed only on the same scheme, host and port.
    Raises UrlRefused or FetchFailed."""
    for _ in range(MAX_REDIRECTS + 1):
        addresses = resolve_allowed(url, allow_private_network=allow_private_network)
        parts = urlsplit(url)
        connection = _connection(parts, addresses=addresses, timeout=timeout)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        try:
            connection.request("GET", target, headers={"Accept": accept, "User-Agent": "Parley"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = _same_origin_redirect(url, response.getheader("Location"))
                continue
            if not 200 <= response.status < 300:
                raise FetchFailed(f"fetching {url[:200]} answered HTTP {response.status}")
            return response.read(max_bytes + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"fetching {url[:200]} failed: {exc}") from None
        finally:
            connection.close()
    raise FetchFailed(f"fetching {url[:200]} redirected more than {MAX_REDIRECTS} times")


def _same_origin_redirect(url: str, location: str) -> str:
    new_url = urljoin(url, location)
    old, new = urlsplit(url), urlsplit(new_url)
    if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
        raise FetchFailed(f"redirect to another host refused: {new_url[:200]}")
    return new_url


def _connection(parts, *, addresses: list[str], timeout: float) -> http.client.HTTPConnection:
    host, port = _ascii_host(parts.hostname), parts.port or DEFAULT_PORTS[parts.scheme]
    if parts.scheme == "https":
        return _PinnedHTTPSConnection(host, port, addresses=addresses, timeout=timeout)
    return _PinnedHTTPConnection(host, port, addresses=addresses, timeout=timeout)


def _connect_any(addresses: list[str], port: int, timeout: float) -> socket.socket:
    problem: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            problem = exc
    raise problem or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to checked addresses; `host` is only the name in the Host header."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self):
        self.sock = _connect_any(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection, with TLS verified for the host name (SNI and certificate)."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self):
        sock = _connect_any(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
