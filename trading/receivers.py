"""Trading's reactions to what market announces: market never imports trading."""

import logging

from django.dispatch import receiver

from market.models import Instrument
from market.signals import tick_announced
from trading import tasks

logger = logging.getLogger(__name__)


@receiver(tick_announced, dispatch_uid="trading.receivers.tick_risk_enqueue")
def tick_risk_enqueue(sender, *, underlying, sequence, quotes, settled, **kwargs) -> None:
    """Enqueue the risk checks of the instruments the tick quoted, and settle what expired.

    One message per queue group names the group's instruments. Market sends the
    announcement after the tick commits. A message that cannot be sent (the broker is
    down) is logged and left to the sweep: the tick stands.
    """
    # Only instruments with open orders or positions: the others have nothing a price acts on.
    quoted = Instrument.objects.filter(symbol__in=[quote.symbol for quote in quotes])
    at_risk = tasks.instruments_at_risk(quoted).values_list("pk", flat=True).order_by("pk")
    try:
        tasks.instruments_risk_send(list(at_risk), sequence=sequence)
    except Exception:
        logger.exception("Could not enqueue the risk checks of %s's tick %s", underlying, sequence)
    for instrument_id in Instrument.objects.filter(symbol__in=settled).values_list("pk", flat=True):
        _enqueue(tasks.instrument_settle, instrument_id=instrument_id)


def _enqueue(task, *, instrument_id: int, **kwargs) -> None:
    try:
        task.apply_async(kwargs={"instrument_id": instrument_id, **kwargs})
    except Exception:
        logger.exception("Could not enqueue %s for instrument #%s", task.name, instrument_id)
