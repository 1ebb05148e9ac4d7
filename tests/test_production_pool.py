"""Production settings share a bounded pool of PostgreSQL connections among threads."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/shortbook"


def _server_url(database_url: str) -> str:
    return database_url.rsplit("/", 1)[0]

# Eight threads each hold a connection for 0.2 s; the pool has two.
SCRIPT = """
import threading

import django

django.setup()
from django.db import connection, connections

pids = []


def work():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.2), pg_backend_pid()")
            pids.append(cursor.fetchone()[1])
    finally:
        connections.close_all()


threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(pids), len(set(pids)))
"""


def test_more_threads_than_connections_wait_for_the_pool_and_all_succeed():
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "pool-test",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        # The server's own maintenance database: it always exists.
        "DATABASE_URL": _server_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE)) + "/postgres",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DATABASE_POOL_MAX_SIZE": "2",
    }
    done = subprocess.run(  # noqa: S603 -- our own interpreter and script
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    queries, connections = map(int, done.stdout.split())
    assert queries == 8
    assert connections <= 2
