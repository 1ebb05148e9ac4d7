"""The pricing core and the indicators import no Django, do no I/O and read no clock."""

import ast
from pathlib import Path

import pytest

from tests.purity import called_names, imported_modules

MARKET = Path(__file__).resolve().parents[3] / "market"
CORE_FILES = [*sorted((MARKET / "pricing").glob("*.py")), MARKET / "indicators.py"]
FORBIDDEN_MODULES = {
    "django",
    "rest_framework",
    "celery",
    "redis",
    "requests",
    "urllib",
    "socket",
    "os",
    "io",
    "pathlib",
    "time",
    "market.models",
    "market.history",
    "market.services",
}
CLOCK_READS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def test_the_core_is_where_it_should_be():
    assert {path.name for path in CORE_FILES} >= {
        "__init__.py",
        "feeds.py",
        "marks.py",
        "options.py",
        "indicators.py",
    }


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_core_module_imports_nothing_impure(path):
    modules = imported_modules(ast.parse(path.read_text(encoding="utf-8")))
    impure = {
        module
        for module in modules
        for forbidden in FORBIDDEN_MODULES
        if module == forbidden or module.startswith(f"{forbidden}.")
    }
    assert impure == set()


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_core_module_reads_no_clock_and_opens_no_file(path):
    calls = called_names(ast.parse(path.read_text(encoding="utf-8")))
    assert calls & (CLOCK_READS | {"open", "read_text", "read_bytes"}) == set()


def test_the_check_catches_a_django_import():
    tree = ast.parse("from django.db import models\nimport django.conf\nimport decimal\n")
    assert imported_modules(tree) == {"django.db", "django.conf", "decimal"}
    assert "now" in called_names(ast.parse("datetime.now()"))
