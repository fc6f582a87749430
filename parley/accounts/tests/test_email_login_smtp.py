"""Email login end to end through a real SMTP server, and no code or token in the logs."""

import logging
import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from parley.audit.models import AuthEvent

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

CODE_IN_MAIL = re.compile(r"^ {4}([A-Z0-9]{4}-[A-Z0-9]{4})\r?$", re.M)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_login_code_arrives_by_smtp_and_logs_the_person_in(client, make_user, smtp_inbox):
    user = make_user(email="sam@example.com", metadata={"name": "Sam"})

    assert client.post("/accounts/login/", {"login": "sam@example.com"}).status_code == 302
    assert len(smtp_inbox.messages) == 1
    envelope = smtp_inbox.messages[0]
    assert envelope.rcpt_tos == ["sam@example.com"]
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert message["Subject"] == "[Parley] Your login code"
    code = CODE_IN_MAIL.search(message.get_body(("plain",)).get_content()).group(1)

    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response["Location"] == "/"
    assert "Welcome, Sam" in client.get("/").content.decode()
    assert AuthEvent.objects.get().public_user_id == user.public_id


def test_neither_the_code_nor_any_token_reaches_the_logs(client, make_user, caplog):
    make_user(email="tess@example.com")
    caplog.set_level(logging.DEBUG)

    client.post("/accounts/login/", {"login": "tess@example.com"})
    code = CODE_IN_MAIL.search(mail.outbox[0].body).group(1)
    client.post("/accounts/login/code/confirm/", {"code": "WRNG-CODE"})
    client.post("/accounts/login/code/confirm/", {"code": code})
    client.get("/")
    client.post("/accounts/logout/")
    client.post("/accounts/login/code/confirm/", {"code": code})  # replay

    secrets = {
        code,
        code.replace("-", ""),
        client.cookies["csrftoken"].value,
    }
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in secrets:
        assert secret not in logged
