"""Settings shared by every environment, read from the environment with django-environ.

With no environment at all the platform runs on an embedded default: SQLite, a
file-system cache and Celery's file-system broker under ``var/``. Setting
``DATABASE_URL`` and ``REDIS_URL`` switches the same code to PostgreSQL and Redis.
"""

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("SHORTBOOK_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "accounts",
    "market",
    "trading",
    "education",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def postgresql_prepared(database: dict) -> dict:
    """Bind a PostgreSQL connection's parameters on the server and prepare its statements.

    Parameters then travel apart from the statement, and a statement a connection runs
    ``DATABASE_PREPARE_THRESHOLD`` times (5 unless set) is planned once and reused:
    PostgreSQL spends a third less CPU on an order. A transaction-mode pooler in front of
    PostgreSQL (PgBouncer before 1.21) cannot keep prepared statements;
    ``DATABASE_PREPARE_THRESHOLD=off`` stops preparing for it.
    """
    if database["ENGINE"] == "django.db.backends.postgresql":
        threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = None if threshold == "off" else int(threshold)
    return database


# Database: SQLite under var/ unless DATABASE_URL names another.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shortbook.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for the write lock rather than fail,
    # and take it at BEGIN so a read-then-write transaction cannot deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    postgresql_prepared(DATABASES["default"])
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# Cache: Redis when configured, otherwise a file cache that every process shares.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="shortbook"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: console by default, a file or SMTP server when the environment says so.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Shortbook <no-reply@shortbook.local>")

# django-allauth: email is the login; verification optional unless configured.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.ApiKeyScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.ClientRateThrottle",
        "accounts.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": env("API_THROTTLE_CLIENT", default="600/min"),
        "anon": env("API_THROTTLE_ANON", default="120/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shortbook API",
    "DESCRIPTION": "Paper trading for learning to short crypto. Amounts are decimal strings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.page_not_found_document",
        "config.api.schema.operation_links",
    ],
    # Choice sets that several fields share get one stable name each.
    "ENUM_NAME_OVERRIDES": {
        "CandleIntervalEnum": "market.models.Candle.Interval",
        "ScenarioIntervalEnum": "education.models.Scenario.Interval",
        "JournalEntryKindEnum": "trading.models.JournalEntry.Kind",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)

# The live stream (config/stream/): Django Channels over Redis when configured, so every
# process publishes to every subscriber; otherwise in the web process's memory.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels_redis waits for messages with a 5 s blocking pop; redis-py 8
                # reads with a 5 s socket timeout by default, which would drop every socket
                # whose channels stay quiet for 5 s. Read longer than the pop waits.
                "hosts": [
                    {"address": env("CHANNELS_REDIS_URL", default=REDIS_URL), "socket_timeout": 15}
                ],
                "prefix": "shortbook-stream",
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STREAM_HEARTBEAT_SECONDS = env.float("STREAM_HEARTBEAT_SECONDS", default=15.0)
STREAM_REAUTH_SECONDS = env.float("STREAM_REAUTH_SECONDS", default=60.0)
STREAM_ORDERBOOK_SECONDS = env.float("STREAM_ORDERBOOK_SECONDS", default=1.0)
STREAM_RELAY_SECONDS = env.float("STREAM_RELAY_SECONDS", default=0.5)

# Celery: Redis when configured, otherwise kombu's file-system transport under var/.
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    # kombu's own transport can hand a reader a message file before it is written.
    CELERY_BROKER_TRANSPORT = "config.kombu_filesystem:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Risk work on an instrument goes to the queue of its group, risk-<id % RISK_QUEUE_GROUPS>,
# so each book has one queue while workers on several machines share the instruments.
RISK_QUEUE_GROUPS = env.int("RISK_QUEUE_GROUPS", default=2)
RISK_QUEUES = [f"risk-{group}" for group in range(RISK_QUEUE_GROUPS)]
# A carry round (funding, borrow interest, financing) posts its positions in batches of
# this many, each one statement and one transaction, on every free worker of the queue.
CARRY_ROUND_BATCH = env.int("CARRY_ROUND_BATCH", default=10_000)
CELERY_TASK_ROUTES = [
    "trading.tasks.task_queue",
    {"market.tasks.feeds_tick": {"queue": "feed"}},
]
MARKET_TICK_SECONDS = env.float("MARKET_TICK_SECONDS", default=1.0)
CELERY_BEAT_SCHEDULE = {
    "market-feeds-tick": {
        "task": "market.tasks.feeds_tick",
        "schedule": MARKET_TICK_SECONDS,
        "options": {"expires": max(MARKET_TICK_SECONDS * 5, 5)},
    },
    "market-listings-roll": {
        "task": "market.tasks.listings_roll",
        "schedule": env.float("MARKET_LISTINGS_SECONDS", default=600.0),
    },
    "trading-positioning-publish": {
        "task": "trading.tasks.positioning_publish",
        "schedule": env.float("POSITIONING_SECONDS", default=10.0),
    },
    "ledger-audit": {
        "task": "trading.tasks.ledger_audit",
        "schedule": env.float("LEDGER_AUDIT_SECONDS", default=3600.0),
    },
    # The risk workers' schedules. Each is idempotent, so a late or repeated run is harmless;
    # the short ones expire rather than pile up behind a stalled worker.
    "trading-risk-sweep": {
        "task": "trading.tasks.risk_sweep",
        "schedule": env.float("RISK_SWEEP_SECONDS", default=5.0),
        "options": {"expires": 10},
    },
    "trading-gtd-orders-expire": {
        "task": "trading.tasks.gtd_orders_expire_due",
        "schedule": 30.0,
        "options": {"expires": 60},
    },
    "trading-funding-apply": {
        "task": "trading.tasks.funding_apply_due",
        "schedule": env.float("FUNDING_APPLY_SECONDS", default=60.0),
        "options": {"expires": 120},
    },
    # On the hour and at midnight UTC; BORROW_INTEREST_SECONDS and FINANCING_SECONDS run them
    # every so many seconds instead, for demos and tests (each still charges a position once
    # per hour or day).
    "trading-borrow-interest-charge": {
        "task": "trading.tasks.borrow_interest_charge_due",
        "schedule": env.float("BORROW_INTEREST_SECONDS", default=0) or crontab(minute=0),
    },
    "trading-financing-charge": {
        "task": "trading.tasks.financing_charge_due",
        "schedule": env.float("FINANCING_SECONDS", default=0) or crontab(minute=0, hour=0),
    },
    # Scenario runs: each running replay's equity curve, and its end when history runs out.
    "education-scenario-runs-advance": {
        "task": "education.tasks.scenario_runs_advance",
        "schedule": env.float("SCENARIO_ADVANCE_SECONDS", default=2.0),
        "options": {"expires": 10},
    },
    # Equity snapshots at the start of each minute, hour and day (minute ones kept a day,
    # hourly ones a month), for the equity curves and the leaderboards.
    "trading-equity-snapshots-minute": {
        "task": "trading.tasks.equity_snapshots_due",
        "schedule": crontab(),
        "args": ("minute",),
        "options": {"expires": 50},
    },
    "trading-equity-snapshots-hour": {
        "task": "trading.tasks.equity_snapshots_due",
        "schedule": crontab(minute=0),
        "args": ("hour",),
        "options": {"expires": 3000},
    },
    "trading-equity-snapshots-day": {
        "task": "trading.tasks.equity_snapshots_due",
        "schedule": crontab(minute=0, hour=0),
        "args": ("day",),
    },
    "trading-equity-snapshots-prune": {
        "task": "trading.tasks.equity_snapshots_prune",
        "schedule": crontab(minute=30),
    },
}

# A margin warning (email and notification) when equity falls to this many times the
# maintenance margin (liquidation is at 1); armed again once it is back above the second.
MARGIN_WARNING_LEVEL = Decimal(env("MARGIN_WARNING_LEVEL", default="1.5"))
MARGIN_WARNING_REARM_LEVEL = Decimal(env("MARGIN_WARNING_REARM_LEVEL", default="1.75"))

# Paper accounts.
SHORTBOOK_STARTING_BALANCE = Decimal(env("SHORTBOOK_STARTING_BALANCE", default="100000"))
SHORTBOOK_CURRENCY = "USD"

# One JSON object a line (config/logging.py); LOG_FORMAT=plain for people reading a terminal.
LOGGING = logging_config(
    level=env("LOG_LEVEL", default="INFO"), fmt=env("LOG_FORMAT", default="json")
)
ADMINS = [("Staff", a) for a in env.list("DJANGO_ADMINS", default=[])]

# An underlying whose feed has not ticked for this long has stale prices: users see a
# banner on its instruments' pages, the ticker API says `stale`, and /readyz fails. Ticks
# come every MARKET_TICK_SECONDS, so fifteen missed in a row (15 s by default) is a stalled
# feed or beat, not a slow tick. READY_FEED_MAX_AGE_SECONDS is its older name.
SHORTBOOK_STALE_PRICE_SECONDS = env.float(
    "SHORTBOOK_STALE_PRICE_SECONDS",
    default=env.float("READY_FEED_MAX_AGE_SECONDS", default=max(MARKET_TICK_SECONDS * 15, 15.0)),
)
# Operations: /metrics answers staff and these addresses (Prometheus' own, in production).
METRICS_ALLOWED_CIDRS = env.list("METRICS_ALLOWED_CIDRS", default=["127.0.0.0/8", "::1/128"])
METRICS_KEY_PREFIX = env("METRICS_KEY_PREFIX", default="shortbook:metrics:")
