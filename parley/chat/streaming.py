"""The chat's native async route: the answer stream (SSE), served beside Django's pages."""

from parley.chat.providers import close_clients
from parley.chat.stream import chat_stream
from parley.web.streams import on_shutdown, register_stream_route

register_stream_route("/chat/stream/", chat_stream)
on_shutdown(close_clients)  # the providers' HTTP clients, when the server stops
