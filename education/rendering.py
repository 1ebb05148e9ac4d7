"""Guide Markdown to safe HTML: sanitised, glossary terms linked, try-it tickets in place.

Pure code: no Django, no database. The steps, in order:

1. ```tryit blocks are taken out and parsed (a JSON object naming an order); each
   leaves a placeholder paragraph behind.
2. The rest is rendered by Python-Markdown and sanitised by nh3 (ammonia): what a
   staff member writes can never inject script, styles or event handlers.
3. Glossary terms are linked in the sanitised text, outside links, code, headings
   and abbreviations, once per section (a section starts at each ``<h2>``), so a
   term is explained where it matters without every occurrence turning blue.
4. The placeholders are replaced by the ticket HTML the caller renders, which is
   trusted: it is built from the parsed values, not from the author's text.
"""

import html
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import markdown
import nh3

WORDS_PER_MINUTE = 200
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "toc"]
SANITIZE_TAGS = nh3.ALLOWED_TAGS - {"map", "area", "center", "acronym", "strike", "tt"}
SANITIZE_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "code": {"class"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
# Inside these a glossary link would be wrong: already a link, code, a heading.
NO_LINK_TAGS = {"a", "code", "pre", "abbr", "h1", "h2", "h3", "h4", "h5", "h6", "dfn"}
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"^</?\s*([a-zA-Z0-9]+)")
TRYIT_BLOCK = re.compile(
    r"^```tryit[ \t]*(?:(?P<inline>\{[^\n]*\})[ \t]*```[ \t]*$|\n(?P<body>.*?)^```[ \t]*$)",
    re.MULTILINE | re.DOTALL,
)
PLACEHOLDER = "SHORTBOOKTRYIT{}X"
PLACEHOLDER_PARAGRAPH = re.compile(r"<p>SHORTBOOKTRYIT(\d+)X</p>")

TRYIT_SIDES = {"buy", "sell"}
TRYIT_TYPES = {"market", "limit"}
TRYIT_FIELDS = {
    "instrument",
    "side",
    "type",
    "quantity",
    "price",
    "stop_loss_pct",
    "take_profit_pct",
    "label",
}


class TryItError(ValueError):
    """A try-it block that does not describe an order the ticket can place."""


@dataclass(frozen=True, slots=True)
class TryIt:
    """An order a guide invites the reader to place, stops given in percent of the price."""

    instrument: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal | None = None
    stop_loss_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None
    label: str = ""

    def as_dict(self) -> dict:
        return {
            name: (str(value) if isinstance(value, Decimal) else value)
            for name in TRYIT_FIELDS
            if (value := getattr(self, name)) not in (None, "")
        }


@dataclass(frozen=True, slots=True)
class TermLink:
    """A glossary term and the words in a guide that link to it."""

    slug: str
    term: str
    short_definition: str
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(slots=True)
class Rendered:
    html: str
    tryits: list[TryIt] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    linked_terms: list[str] = field(default_factory=list)


def parse_tryit(text: str) -> TryIt:
    """Parse a try-it block's JSON into an order; raise ``TryItError`` saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TryItError(f"not valid JSON ({error.msg})") from error
    if not isinstance(data, dict):
        raise TryItError("give a JSON object")
    unknown = set(data) - TRYIT_FIELDS
    if unknown:
        raise TryItError(f"unknown fields: {', '.join(sorted(unknown))}")
    instrument = data.get("instrument")
    if not isinstance(instrument, str) or not instrument.strip():
        raise TryItError("name the instrument")
    side = data.get("side")
    if side not in TRYIT_SIDES:
        raise TryItError("side is buy or sell")
    order_type = data.get("type", "market")
    if order_type not in TRYIT_TYPES:
        raise TryItError("type is market or limit")
    quantity = _positive(data, "quantity", required=True)
    price = _positive(data, "price")
    if (order_type == "limit") != (price is not None):
        raise TryItError("a limit order needs a price, a market order none")
    stop_loss_pct = _positive(data, "stop_loss_pct")
    take_profit_pct = _positive(data, "take_profit_pct")
    for name, value in (("stop_loss_pct", stop_loss_pct), ("take_profit_pct", take_profit_pct)):
        if value is not None and value >= 100:
            raise TryItError(f"{name} must be below 100")
    label = data.get("label", "")
    if not isinstance(label, str):
        raise TryItError("label is text")
    return TryIt(
        instrument=instrument.strip().upper(),
        side=side,
        type=order_type,
        quantity=quantity,
        price=price,
        stop_loss_pct=stop_loss_pct,
        take_profit_pct=take_profit_pct,
        label=label.strip(),
    )


def _positive(data: dict, name: str, *, required: bool = False) -> Decimal | None:
    value = data.get(name)
    if value is None:
        if required:
            raise TryItError(f"{name} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TryItError(f"{name} is a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise TryItError(f"{name} is a number") from error
    if not number.is_finite() or number <= 0:
        raise TryItError(f"{name} must be positive")
    return number


def strip_tryit_blocks(text: str) -> str:
    """Return the Markdown without its try-it blocks (for word counts and plain text)."""
    return TRYIT_BLOCK.sub("", text)


def reading_minutes(text: str) -> int:
    """Return the minutes an average reader needs, at least one."""
    words = len(re.findall(r"\w+", strip_tryit_blocks(text)))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def render_markdown(
    text: str,
    *,
    terms: Sequence[TermLink] = (),
    glossary_url: str = "",
    tryit_html: Callable[[int, TryIt], str] | None = None,
) -> Rendered:
    """Render guide Markdown to sanitised HTML with glossary links and try-it tickets."""
    tryits: list[TryIt] = []
    errors: list[str] = []
    blocks: dict[int, str] = {}

    def take_block(match: re.Match) -> str:
        index = len(blocks)
        source = match.group("inline") or match.group("body") or ""
        try:
            tryit = parse_tryit(source)
        except TryItError as error:
            message = f"Try-it block {index + 1}: {error}."
            errors.append(message)
            blocks[index] = f'<p class="tryit-error" role="alert">{html.escape(message)}</p>'
        else:
            tryits.append(tryit)
            blocks[index] = tryit_html(index, tryit) if tryit_html else ""
        return f"\n\n{PLACEHOLDER.format(index)}\n\n"

    source = TRYIT_BLOCK.sub(take_block, text)
    rendered = markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    safe = nh3.clean(
        rendered,
        tags=SANITIZE_TAGS,
        attributes=SANITIZE_ATTRIBUTES,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto"},
    )
    linked: list[str] = []
    if terms:
        safe = link_terms(safe, terms, glossary_url=glossary_url, linked=linked)
    safe = PLACEHOLDER_PARAGRAPH.sub(lambda m: blocks.get(int(m.group(1)), ""), safe)
    return Rendered(html=safe, tryits=tryits, errors=errors, linked_terms=linked)


def _is_acronym(form: str) -> bool:
    """PnL, OI, ATH: forms with capitals after the first letter match their case exactly."""
    return any(char.isupper() for char in form[1:])


def link_terms(
    safe_html: str,
    terms: Iterable[TermLink],
    *,
    glossary_url: str,
    linked: list[str] | None = None,
) -> str:
    """Link each term's first use in every section of already sanitised HTML."""
    by_form: dict[str, TermLink] = {}
    exact: dict[str, TermLink] = {}
    for term in terms:
        for form in term.forms:
            form = form.strip()
            if not form:
                continue
            if _is_acronym(form):
                exact[form] = term
            else:
                by_form.setdefault(form.lower(), term)
    forms = sorted({*by_form, *(form.lower() for form in exact)}, key=len, reverse=True)
    if not forms:
        return safe_html
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(form) for form in forms) + r")(?![\w-])",
        re.IGNORECASE,
    )
    seen: set[str] = set()
    depth = 0
    out = []

    def replace(match: re.Match) -> str:
        word = match.group(1)
        term = exact.get(word) or by_form.get(word.lower())
        if term is None or term.slug in seen:
            return word
        seen.add(term.slug)
        if linked is not None and term.slug not in linked:
            linked.append(term.slug)
        definition = html.escape(term.short_definition, quote=True)
        return (
            f'<a class="glossary-term" href="{html.escape(glossary_url)}#{term.slug}" '
            f'data-term="{term.slug}" title="{definition}">{word}</a>'
        )

    for chunk in TAG.split(safe_html):
        if chunk.startswith("<"):
            name_match = TAG_NAME.match(chunk)
            name = name_match.group(1).lower() if name_match else ""
            closing = chunk.startswith("</")
            if name == "h2" and not closing:
                seen.clear()
            if name in NO_LINK_TAGS:
                depth += -1 if closing else 1
            out.append(chunk)
        elif depth <= 0 and chunk.strip():
            out.append(pattern.sub(replace, chunk))
        else:
            out.append(chunk)
    return "".join(out)
