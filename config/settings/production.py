"""Settings for production: PostgreSQL, Redis, SMTP and HTTPS are required."""

from .base import *

SECRET_KEY = env("DJANGO_SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
postgresql_prepared(DATABASES["default"])
# Each process shares a pool of connections among its threads: under ASGI every request
# in flight runs a sync view on a thread of its own, and one connection per thread would
# run PostgreSQL out of connections under load. A request waits up to the timeout for
# a free connection instead of failing. DATABASE_POOL_MAX_SIZE=0 turns the pool off.
POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)
if POOL_MAX_SIZE > 0:
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {
            "min_size": min(2, POOL_MAX_SIZE),
            "max_size": POOL_MAX_SIZE,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        },
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # The pool keeps connections open.
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus call the process itself over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60)
SECURE_CONTENT_TYPE_NOSNIFF = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Production runs on Redis; refuse to start without it.
env("REDIS_URL")
