"""Beat-driven market jobs: thin, idempotent, safe to retry."""

from celery import shared_task
from django.utils import timezone

from market import services


@shared_task(acks_late=True, ignore_result=True)
def feeds_tick() -> int:
    """Move every underlying's feed to now; a duplicate delivery finds nothing to do."""
    # Ticks are keyed to the whole second, so a message delivered twice (or two beat
    # schedulers by mistake) moves the market once.
    now = timezone.now().replace(microsecond=0)
    return services.feeds_tick(now=now)


@shared_task(acks_late=True, ignore_result=True)
def listings_roll() -> int:
    """List the next quarterly future and weekly options where they are missing."""
    return len(services.listings_roll())
