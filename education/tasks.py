"""Beat-driven education jobs: thin, idempotent, safe to retry."""

from celery import shared_task

from education.services import scenarios


@shared_task(acks_late=True, ignore_result=True)
def scenario_runs_advance() -> int:
    """Record running scenario runs' equity and finish those whose replay ended.

    Points are unique per run and historical time, and a finished run is left alone,
    so a repeated or late delivery records nothing twice.
    """
    return scenarios.scenario_runs_advance()
