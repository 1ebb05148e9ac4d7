"""Settings of the Celery workers the kill test starts: the test settings, on its database.

A message whose worker died stays unacknowledged in Redis until its visibility timeout
passes; these workers look for such messages every second and take them back after
three, so the test need not wait the hour the other settings allow. The lock a worker
holds while it restores them lapses after three seconds too, not kombu's five minutes:
a worker killed while holding it would otherwise keep the next one from restoring.

An hour's round posts its 30 positions in three batches: the task posts the first and
sends the others to its queue, so a killed worker may leave any of them undone.
"""

from config.settings.test import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": 3,
}

CARRY_ROUND_BATCH = 10
