import logging

from celery import shared_task

from market.models import Instrument
from trading import services
from trading.selectors import ledger_problems

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def ledger_audit() -> int:
    """Check the ledger; a problem is logged as an error so staff are paged."""
    problems = ledger_problems()
    for problem in problems:
        logger.error("Ledger problem: %s: %s", problem.what, problem.detail)
    return len(problems)


@shared_task(acks_late=True, ignore_result=True)
def positioning_publish() -> int:
    """Publish users' positioning per traded instrument for the sentiment views."""
    instruments = Instrument.objects.filter(positions__isnull=False).distinct().order_by("pk")
    for instrument in instruments:
        services.positioning_publish(instrument=instrument)
    return len(instruments)
