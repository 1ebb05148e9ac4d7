"""The engine imports no Django, does no I/O, reads no clock and leaves no garbage cycles."""

import ast
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from tests.purity import called_names, imported_modules
from tests.trading.engine.build import limit, market, outside
from trading.engine import OrderBook, Side, fills_on_reference, match

ENGINE = Path(__file__).resolve().parents[3] / "trading" / "engine"
ENGINE_FILES = sorted(ENGINE.glob("*.py"))
# The standard library modules the core may use: no I/O, no clock, no randomness.
ALLOWED_MODULES = {
    "collections.abc",
    "dataclasses",
    "decimal",
    "enum",
    "heapq",
    "itertools",
    "typing",
}
CLOCK_AND_FILE_CALLS = {
    "now",
    "utcnow",
    "today",
    "time",
    "time_ns",
    "monotonic",
    "perf_counter",
    "open",
    "read_text",
    "read_bytes",
    "print",
}


def test_the_engine_is_where_it_should_be():
    assert {path.name for path in ENGINE_FILES} >= {
        "__init__.py",
        "types.py",
        "book.py",
        "matching.py",
        "triggers.py",
        "margin.py",
    }


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda path: path.name)
def test_engine_module_imports_only_the_engine_and_pure_stdlib(path):
    modules = imported_modules(ast.parse(path.read_text(encoding="utf-8")))
    outside_the_core = {
        module
        for module in modules
        if module not in ALLOWED_MODULES and not module.startswith("trading.engine")
    }
    assert outside_the_core == set()
    assert not any(module.split(".")[0] == "django" for module in modules)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda path: path.name)
def test_engine_module_reads_no_clock_and_opens_no_file(path):
    assert called_names(ast.parse(path.read_text(encoding="utf-8"))) & CLOCK_AND_FILE_CALLS == set()


def test_the_check_catches_a_django_import():
    tree = ast.parse("from django.db import models\nimport django.conf\nimport decimal\n")
    assert imported_modules(tree) == {"django.db", "django.conf", "decimal"}


def test_importing_the_engine_loads_no_django():
    code = (
        "import sys, trading.engine\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'config'})\n"
        "print(loaded)\n"
    )
    root = ENGINE.parents[1]
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_matching_leaves_no_reference_cycles():
    # A worker may pause or freeze the collector around the book: refcounting must free it all.
    gc.collect()
    gc.disable()
    try:
        book = OrderBook()
        market_ = outside(reference=1000, half_spread=3, depth=4, levels=3)
        for price in range(990, 1000):
            for account in (1, 2, 3):
                match(book, limit(Side.BUY, price, 2, account=account), market_)
        for price in range(1001, 1011):
            match(book, limit(Side.SELL, price, 2, account=1), market_)
        match(book, market(Side.SELL, 25, account=2), market_)
        match(book, market(Side.BUY, 30, account=1), market_)
        match(book, limit(Side.BUY, 1005, 9, account=3), market_)
        fills_on_reference(book, 1003)
        for order in list(book.orders(Side.BUY)) + list(book.orders(Side.SELL)):
            book.cancel(order.order.id)
        del book
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert unreachable == 0
