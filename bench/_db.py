"""Set up Django and a throwaway database for a benchmark script."""

import contextlib
import os
import warnings


def configure() -> None:
    """Load Django under the test settings (PostgreSQL and Redis) unless told otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # Keep the throttle in the path, as in production, but never let it refuse a bench.
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
    # WhiteNoise's notice that no static files were collected; a bench serves none.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


@contextlib.contextmanager
def throwaway_database():
    """Create ``test_`` + the configured database, migrated, and drop it afterwards."""
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(old_config, verbosity=0)
        teardown_test_environment()
