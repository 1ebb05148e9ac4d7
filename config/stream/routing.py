"""The websocket routes: the stream, and a refusal for any other path."""

from channels.security.websocket import WebsocketDenier
from django.urls import path, re_path

from config.stream.consumers import StreamConsumer

websocket_urlpatterns = [
    path("api/v1/stream", StreamConsumer.as_asgi()),
    re_path(r"", WebsocketDenier.as_asgi()),
]
