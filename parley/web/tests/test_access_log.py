"""The access log of a live `parley serve`: a code however it is percent-encoded never
reaches it (and still logs the person in), and one request is always one line."""

import time
import uuid

import httpx
import jwt
import pytest

from parley.tests.polling import wait_until
from parley.tests.serving import parley_env, run_cli, serving

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("serve")
    env = parley_env(data_dir)
    secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]
    log = data_dir / "serve.log"
    with serving(env, log) as base:
        yield base, log, secret


def log_lines(log) -> list[str]:
    return log.read_text(errors="replace").splitlines()


def new_lines(base, log, before: int) -> list[str]:
    """The lines written since there were `before`. A marker request, answered (so logged)
    after every earlier one, shows when the server has written them all."""
    marker = f"/healthz?after={uuid.uuid4().hex}"
    httpx.get(base + marker)

    def up_to_marker():
        lines = log_lines(log)[before:]
        ends = [i for i, line in enumerate(lines) if marker in line]
        return (lines[: ends[0]],) if ends else None  # a tuple: truthy even when empty

    [lines] = wait_until(up_to_marker, seconds=5, what="the marker request in the access log")
    return lines


def encode_all(text: str, *, lower: bool = False) -> str:
    """Every character as %XX: `eyJ` → `%65%79%4A`."""
    return "".join(("%{:02x}" if lower else "%{:02X}").format(byte) for byte in text.encode())


def mixed_case(text: str) -> str:
    encoded = encode_all(text)
    return "".join(c.lower() if i % 3 else c for i, c in enumerate(encoded))


ENCODINGS = {
    "name and value start %65": lambda code: f"%65xternalAuthCode=%65%79{code[2:]}",
    "all percent-encoded": lambda code: f"%65xternal%41uthCode={encode_all(code)}",
    "value in lower-case hex": lambda code: f"externalAuthCode={encode_all(code, lower=True)}",
    "mixed-case hex": lambda code: f"{mixed_case('externalAuthCode')}={mixed_case(code)}",
    "%78 and %4a": lambda code: f"e%78ternalAuthCode=%65%79%4a{code[3:]}",
    "beside + and %20": lambda code: f"q=a+b%20c&%65xternalAuthCode=%65%79{code[2:]}&tab=x+y",
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_percent_encoded_code_logs_in_and_never_reaches_the_access_log(server, encoding):
    base, log, secret = server
    code = jwt.encode({"user": {"id": f"enc-{len(encoding)}-{time.time_ns()}"}}, secret)
    query = ENCODINGS[encoding](code)
    before = len(log_lines(log))
    with httpx.Client(base_url=base) as browser:
        login = browser.get(f"/?{query}")
        assert login.status_code == 303, login.text
        assert browser.get(login.headers["location"]).status_code == 200  # signed in
    [line] = new_lines(base, log, before)[:1]
    assert "[redacted]" in line, line
    signature = code.rsplit(".", 1)[1]
    written = "\n".join(log_lines(log))
    for form in (signature, encode_all(signature), encode_all(signature, lower=True)):
        assert form not in written
    if "+" in query:
        assert "q=a+b%20c&" in line and "&tab=x+y" in line


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # Django decodes a query once: `%2565xternalAuthCode` is the name
        # "%65xternalAuthCode", no login; but the log's reader could decode it twice.
        ("%2565xternalAuthCode={twice}&x={twice}", "%2565xternalAuthCode=[redacted]&x=[redacted]"),
        # Django's names are case-sensitive: "ExternalAuthCode" is no login either.
        ("%45xternalAuthCode=%65%79{rest}", "%45xternalAuthCode=[redacted]"),
    ],
)
def test_a_code_under_a_name_django_does_not_read_neither_logs_in_nor_stays_in_the_log(
    server, query, shown
):
    base, log, secret = server
    code = jwt.encode({"user": {"id": "not-read"}}, secret)
    query = query.format(twice=encode_all(code).replace("%", "%25"), rest=code[2:])
    before = len(log_lines(log))
    response = httpx.get(f"{base}/?{query}")
    assert response.status_code == 302 and "/accounts/login/" in response.headers["location"]
    [line] = new_lines(base, log, before)
    assert f'"GET /?{shown}"' in line


def test_a_referer_carrying_an_encoded_code_is_scrubbed(server):
    base, log, secret = server
    code = jwt.encode({"user": {"id": "referer"}}, secret)
    before = len(log_lines(log))
    httpx.get(
        f"{base}/accounts/login/",
        headers={"Referer": f"https://intranet.example/page?%65xternalAuthCode={code}"},
    )
    [line] = new_lines(base, log, before)
    assert line.endswith(
        '"https://intranet.example/page?%65xternalAuthCode=[redacted]" "python-httpx/'
        + httpx.__version__
        + '"'
    )
    assert code.rsplit(".", 1)[1] not in line


FORGED = ' 200 1.0ms\n6.6.6.6 "GET /admin/users/ HTTP/1.1" 200 0.1ms'


@pytest.mark.parametrize(
    ("path", "headers", "shown"),
    [
        ("/%0a6.6.6.6%20forged", {}, "/\\x0a6.6.6.6 forged"),
        ("/%0d%0a6.6.6.6%20forged", {}, "/\\x0d\\x0a6.6.6.6 forged"),
        ("/a%22%20200%201ms%0d", {}, "/a\\x22 200 1ms\\x0d"),
        (
            "/nel%c2%85ls%e2%80%a8ps%e2%80%aeend%1b[31m",
            {},
            "/nel\\x85ls\\u2028ps\\u202eend\\x1b[31m",
        ),
        ("/ok", {"User-Agent": b'agent" forged \x85'}, '"agent\\x22 forged \\x85"'),
        (
            "/ok",
            {"Referer": "https://x.example/\u2028forged".encode()},
            '"https://x.example/\\u2028forged"',
        ),
        ("/ok?q=%0a%22", {}, '"GET /ok?q=%0a%22"'),
    ],
)
def test_one_request_writes_exactly_one_line_with_control_characters_escaped(
    server, path, headers, shown
):
    base, log, _ = server
    before = len(log_lines(log))
    httpx.get(base + path, headers=headers)
    lines = new_lines(base, log, before)
    assert len(lines) == 1, lines
    assert shown in lines[0]
