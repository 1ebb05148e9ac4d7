"""Settings for a developer's machine and the quick start."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
# A person reads this terminal: plain lines, still with each request's id.
LOGGING = logging_config(
    level=env("LOG_LEVEL", default="INFO"), fmt=env("LOG_FORMAT", default="plain")
)
