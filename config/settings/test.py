"""Settings for the test suite: PostgreSQL and Redis over real connections."""

import os

from .base import *

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/shortbook"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
postgresql_prepared(DATABASES["default"])
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Each pytest-xdist worker or parallel run gets its own cache namespace.
CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"shortbook-test-{os.getpid()}",
    }
}
CELERY_BROKER_URL = REDIS_URL
# The stream's channel layer on the same Redis, as in production (a prefix per run).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],  # As in base.py.
            "prefix": f"shortbook-test-{os.getpid()}-stream",
            "capacity": 1000,
            "expiry": 30,
        },
    }
}
METRICS_KEY_PREFIX = f"shortbook-test-{os.getpid()}:metrics:"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
DEBUG = False
