"""A chat message writes no log line of the provider SDK's HTTP client: one INFO line per
provider request ("HTTP Request: POST …") was a log write on the event loop for every
stream started (bench/README.md, "chat_stream.py"). The access log still has its line."""

import logging

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(30)]


def test_a_chat_message_logs_no_http_client_request_line(chatter, caplog):
    caplog.set_level(logging.INFO)
    person = chatter()
    conversation = person.new()
    person.send(conversation, "hi")
    client_lines = [
        record.getMessage()
        for record in caplog.records
        if record.name.split(".")[0] in ("httpx", "httpcore", "openai")
    ]
    assert client_lines == []
