"""The live stream: one websocket at ``/api/v1/stream`` for market data and a user's own events.

``channels`` names what a client can subscribe to, ``consumers`` serves the socket,
``hub`` carries events from the services (after their transaction commits) to the
subscribers, and ``auth`` reuses the REST API's authentication. docs/api-stream.md
is the protocol a client speaks.
"""
