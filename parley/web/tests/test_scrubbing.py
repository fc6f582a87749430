"""Login codes, link tokens and JWTs never reach the access log or error reports."""

import asyncio
import logging

import httpx
import pytest
from django.test import RequestFactory

from parley.web.scrub import (
    ScrubbingExceptionReporterFilter,
    ScrubSecretsFilter,
    scrub,
    scrub_query,
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjp7ImlkIjoiYWJjIn19.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(
    "text",
    [
        f"/?externalAuthCode={JWT}",
        f"/chat?x=1&externalAuthCode={JWT}&y=2",
        "/login/link/SeCrEtToKeN123/",
        "/accounts/login/code/confirm/?code=ABC123",
        f"Referer: https://host/page?externalauthcode={JWT}",
        f"/x%3FexternalAuthCode%3D{JWT}",
        f"token in a message: {JWT}",
    ],
)
def test_secrets_are_redacted_wherever_they_appear(text):
    cleaned = scrub(text)
    assert "[redacted]" in cleaned
    for secret in (JWT, "SeCrEtToKeN123", "ABC123"):
        assert secret not in cleaned


def test_other_query_parameters_survive_scrubbing():
    assert scrub(f"/a?lang=de&externalAuthCode={JWT}&tab=2") == (
        "/a?lang=de&externalAuthCode=[redacted]&tab=2"
    )


ENCODED_JWT = "".join(f"%{byte:02X}" for byte in JWT.encode())


@pytest.mark.parametrize(
    ("query", "scrubbed"),
    [
        (f"%65xternalAuthCode={JWT}", "%65xternalAuthCode=[redacted]"),
        (f"externalAuthCode={ENCODED_JWT}", "externalAuthCode=[redacted]"),
        ("c%6Fde=ABC123&x=1", "c%6Fde=[redacted]&x=1"),
        ("%74oken=SeCrEtToKeN123", "%74oken=[redacted]"),
        ("KE%59=SeCrEtToKeN123", "KE%59=[redacted]"),
        ("login%5Fcode=ABC123", "login%5Fcode=[redacted]"),
        ("a=b+c&co%64e=ABC+123", "a=b+c&co%64e=[redacted]"),
        (f"next=%2F%3FexternalAuthCode%3D{JWT}", "next=[redacted]"),
        ("next=%2Flogin%2Flink%2FSeCrEtToKeN123%2F", "next=[redacted]"),
        (f"x={ENCODED_JWT.replace('%', '%25')}", "x=[redacted]"),
        ("q=caf%C3%A9+au+lait&page=2", "q=caf%C3%A9+au+lait&page=2"),
    ],
)
def test_query_secrets_are_redacted_by_their_decoded_names_and_values(query, scrubbed):
    assert scrub_query(query) == scrubbed


@pytest.mark.django_db(transaction=True)
def test_access_log_never_contains_the_code_or_link_token():
    from parley.asgi import application

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            self.lines.append(self.format(record))

    async def visit():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            await c.get(f"/?externalAuthCode={JWT}")
            await c.get("/login/link/SeCrEtToKeN123/")

    collect = Collect()
    access_log = logging.getLogger("parley.access")
    access_log.addHandler(collect)
    try:
        asyncio.run(visit())
    finally:
        access_log.removeHandler(collect)
    lines = collect.lines
    assert len(lines) == 2
    assert all("[redacted]" in line for line in lines)
    assert not any(JWT in line or "SeCrEtToKeN123" in line for line in lines)


def test_log_filter_rewrites_messages_with_secrets():
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (f"/?code=X{JWT}",),
        None,
    )
    ScrubSecretsFilter().filter(record)
    assert JWT not in record.getMessage() and "[redacted]" in record.getMessage()


@pytest.mark.parametrize("query", [f"externalAuthCode={JWT}", f"%65xternalAuthCode={ENCODED_JWT}"])
def test_error_reports_cleanse_query_strings_and_posted_codes(query):
    request = RequestFactory().post(
        f"/accounts/login/code/confirm/?{query}",
        {"code": "ABC123", "email": "a@example.com"},
        HTTP_REFERER=f"https://x/?{query}",
    )
    reporter_filter = ScrubbingExceptionReporterFilter()
    meta = reporter_filter.get_safe_request_meta(request)
    assert JWT not in str(meta) and ENCODED_JWT not in str(meta)
    assert meta["QUERY_STRING"].endswith("=[redacted]")
    posted = reporter_filter.get_post_parameters(request)
    assert posted["code"] != "ABC123" and posted["email"] == "a@example.com"
