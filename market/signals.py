"""What market announces; trading listens. Market never imports trading.

``tick_announced`` is sent after the tick's transaction commits, with keyword
arguments ``underlying`` (symbol), ``sequence`` (the underlying's tick number,
strictly increasing), ``quotes`` (a tuple of ``market.quotes.Quote``) and
``settled`` (symbols of futures and options that expired on this tick).
"""

from django.dispatch import Signal

tick_announced = Signal()
