"""Settings for a developer's machine and the quick start."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
