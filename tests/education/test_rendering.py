"""Guide Markdown to safe HTML: sanitising, glossary links, try-it blocks, reading time."""

from decimal import Decimal

import pytest

from education.rendering import (
    TermLink,
    TryIt,
    TryItError,
    parse_tryit,
    reading_minutes,
    render_markdown,
)

TERMS = [
    TermLink("short-selling", "short selling", "Selling first.", ("short position", "shorting")),
    TermLink("funding-rate", "funding rate", "Paid every 8 hours.", ("funding",)),
    TermLink("pnl", "PnL", 'Profit & "loss".'),
]


def render(text, **kwargs):
    return render_markdown(text, terms=TERMS, glossary_url="/guides/glossary/", **kwargs)


def test_markdown_is_rendered_and_sanitised():
    html = render(
        "## Title\n\n**bold** <script>alert(1)</script>"
        '<a href="javascript:alert(1)" onclick="steal()">x</a> <img src=x onerror=alert(1)>'
        '<iframe src="https://evil.example"></iframe>\n\n| a | b |\n|---|--:|\n| 1 | 2 |'
    ).html
    assert '<h2 id="title">Title</h2>' in html
    assert "<strong>bold</strong>" in html
    assert "<table>" in html and 'style="text-align:right"' in html
    for forbidden in ("<script", "alert(1)", "javascript:", "onclick", "onerror", "<iframe"):
        assert forbidden not in html


def test_a_term_is_linked_once_per_section_with_its_definition_for_the_tooltip():
    html = render(
        "Funding is paid. Funding again.\n\n## Next\n\nThe funding rate, then PnL and pnl."
    ).html
    assert html.count('data-term="funding-rate"') == 2  # once in each section
    assert (
        '<a class="glossary-term" href="/guides/glossary/#funding-rate" data-term="funding-rate"'
        ' title="Paid every 8 hours.">Funding</a>' in html
    )
    # Acronyms match their case only, and the definition is escaped into the attribute.
    assert 'title="Profit &amp; &quot;loss&quot;.">PnL</a> and pnl.' in html


def test_terms_are_not_linked_inside_code_links_or_headings():
    html = render(
        "## Funding\n\n`short selling` and [funding](https://example.com) and ```x```\n\n"
        "    shorting in a code block\n"
    ).html
    assert "glossary-term" not in html


def test_the_longest_form_wins():
    html = render("A short position is shorting.").html
    assert '<a class="glossary-term" href="/guides/glossary/#short-selling" ' in html
    assert ">short position</a> is shorting." in html


def test_tryit_blocks_inline_and_fenced_become_tickets_in_place():
    calls = []

    def ticket(index, tryit):
        calls.append((index, tryit))
        return f'<aside class="ticket">{index}:{tryit.instrument}</aside>'

    text = (
        "Before.\n\n"
        '```tryit {"instrument":"btc-perp","side":"sell","type":"market","quantity":"0.1",'
        '"stop_loss_pct":"5"}```\n\n'
        "Between.\n\n"
        "```tryit\n"
        '{"instrument":"BTC-USD","side":"buy","type":"limit","quantity":0.2,"price":"90000",'
        '"take_profit_pct":10,"label":"Buy a dip"}\n'
        "```\n\nAfter."
    )
    rendered = render(text, tryit_html=ticket)
    assert rendered.errors == []
    assert rendered.html.index("Before.") < rendered.html.index("0:BTC-PERP</aside>")
    assert rendered.html.index("0:BTC-PERP</aside>") < rendered.html.index("Between.")
    assert rendered.html.index("1:BTC-USD</aside>") < rendered.html.index("After.")
    assert rendered.tryits == [
        TryIt("BTC-PERP", "sell", "market", Decimal("0.1"), stop_loss_pct=Decimal(5)),
        TryIt(
            "BTC-USD",
            "buy",
            "limit",
            Decimal("0.2"),
            price=Decimal(90000),
            take_profit_pct=Decimal(10),
            label="Buy a dip",
        ),
    ]
    assert [index for index, _ in calls] == [0, 1]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1]", "JSON object"),
        ('{"instrument":"BTC-PERP","side":"short","quantity":"1"}', "side is buy or sell"),
        ('{"instrument":"BTC-PERP","side":"sell","quantity":"-1"}', "quantity must be positive"),
        ('{"instrument":"BTC-PERP","side":"sell"}', "quantity is required"),
        ('{"instrument":"BTC-PERP","side":"sell","quantity":"1","type":"limit"}', "needs a price"),
        (
            '{"instrument":"BTC-PERP","side":"sell","quantity":"1","stop_loss_pct":"150"}',
            "below 100",
        ),
        ('{"instrument":"BTC-PERP","side":"sell","quantity":"1","leverage":"100"}', "unknown"),
        ('{"side":"sell","quantity":"1"}', "name the instrument"),
    ],
)
def test_a_broken_tryit_block_is_reported_not_rendered(body, message):
    with pytest.raises(TryItError, match=message):
        parse_tryit(body)
    rendered = render(f"```tryit\n{body}\n```", tryit_html=lambda i, t: "TICKET")
    assert "TICKET" not in rendered.html
    assert len(rendered.errors) == 1 and message in rendered.errors[0]
    assert 'class="tryit-error" role="alert"' in rendered.html


def test_reading_time_counts_words_but_not_tickets():
    words = " ".join(["word"] * 401)
    assert reading_minutes("") == 1
    assert reading_minutes(words) == 3  # 401 words at 200 a minute
    ticket = '```tryit {"instrument":"BTC-PERP","side":"sell","quantity":"1"}```'
    assert reading_minutes(words + "\n\n" + ticket) == 3
