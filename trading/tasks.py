import logging

from celery import shared_task

from trading.selectors import ledger_problems

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def ledger_audit() -> int:
    """Check the ledger; a problem is logged as an error so staff are paged."""
    problems = ledger_problems()
    for problem in problems:
        logger.error("Ledger problem: %s: %s", problem.what, problem.detail)
    return len(problems)
