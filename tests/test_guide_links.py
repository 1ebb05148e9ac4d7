"""Every guide the pages link to is one the platform ships."""

import re
import tomllib
from pathlib import Path

from market.templatetags.prices import KIND_GUIDES
from trading.views import HISTORY_GUIDES, TRADE_GUIDES

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "education" / "content" / "guides"


def shipped_slugs() -> set[str]:
    slugs = set()
    for path in CONTENT.glob("*.md"):
        front = path.read_text().split("+++")[1]
        slugs.add(tomllib.loads(front)["slug"])
    return slugs


def linked_slugs() -> set[str]:
    slugs = set(KIND_GUIDES.values())
    slugs |= {slug for slug, _ in TRADE_GUIDES.values()}
    slugs |= {slug for slug, _ in HISTORY_GUIDES.values()}
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/js/*.js")]:
        text = path.read_text()
        slugs |= set(re.findall(r"/guides/([a-z0-9-]+)/", text))
        slugs |= set(re.findall(r'_guide_link\.html" with slug="([a-z0-9-]+)"', text))
    return slugs - {"glossary", "compare"}


def test_every_linked_guide_exists():
    shipped = shipped_slugs()
    assert len(shipped) >= 14
    assert linked_slugs() - shipped == set()
