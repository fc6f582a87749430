"""Thread-per-stream reference for bench/chat_stream.py: a plain WSGI app that streams a
chat answer from the provider with the sync openai client, one server thread per stream
(what a sync Django view with StreamingHttpResponse would do)."""

import json
import os

import openai

client = openai.OpenAI(base_url=os.environ.get("BENCH_PROVIDER_URL", ""), api_key="sk-bench",
                       max_retries=0)  # fmt: skip


def application(environ, start_response):
    if environ["REQUEST_METHOD"] != "POST":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    start_response("200 OK", [("Content-Type", "text/event-stream")])

    def events():
        stream = client.chat.completions.create(
            model=body["model"], messages=[{"role": "user", "content": "hi"}], stream=True
        )
        for chunk in stream:
            for choice in chunk.choices:
                if choice.delta and choice.delta.content:
                    data = json.dumps({"t": choice.delta.content})
                    yield f"event: token\ndata: {data}\n\n".encode()
        yield b"event: done\ndata: {}\n\n"

    return events()
