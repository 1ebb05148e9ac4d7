"""The history pages' filters and their CSV downloads: orders, fills and the ledger.

One form validates the filters of all three tables, so the page and its download
show the same rows. Downloads stream row by row and write decimals exactly as
stored (``0.50000000``, never ``5E-1``); times are ISO 8601 in UTC.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.http import StreamingHttpResponse
from django.utils import timezone

from trading import selectors
from trading.models import Account, Fill, JournalEntry, JournalLine, Order

EXPORT_CHUNK = 1000
# Spreadsheets run text that starts with these as a formula; a quote keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Table:
    ORDERS = "orders"
    FILLS = "fills"
    LEDGER = "ledger"
    ALL = (ORDERS, FILLS, LEDGER)


class HistoryFilterForm(forms.Form):
    """Filters of one history table; fields a table does not use are removed."""

    instrument = forms.ChoiceField(required=False, label="Instrument")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), ("open", "Open (any)"), *Order.Status.choices],
    )
    type = forms.ChoiceField(
        required=False, label="Type", choices=[("", "Any type"), *Order.Type.choices]
    )
    side = forms.ChoiceField(
        required=False, label="Side", choices=[("", "Buy and sell"), *Order.Side.choices]
    )
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "Any kind"), *JournalEntry.Kind.choices]
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Inclusive, in your time zone.",
    )

    TABLE_FIELDS = {
        Table.ORDERS: ("instrument", "status", "type", "since", "until"),
        Table.FILLS: ("instrument", "side", "since", "until"),
        Table.LEDGER: ("instrument", "kind", "since", "until"),
    }

    def __init__(self, data, *, table: str, account: Account):
        super().__init__(data)
        self.table = table
        for name in set(self.fields) - set(self.TABLE_FIELDS[table]):
            del self.fields[name]
        self.instruments = {i.symbol: i for i in selectors.traded_instruments(account=account)}
        self.fields["instrument"].choices = [
            ("", "All instruments"),
            *((symbol, symbol) for symbol in self.instruments),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def selector_filters(self) -> dict:
        """The cleaned filters as the history selectors take them."""
        data = self.cleaned_data
        filters = {
            "instrument": self.instruments.get(data.get("instrument") or ""),
            "since": _start_of(data.get("since")),
            "until": _start_of(data["until"] + timedelta(days=1)) if data.get("until") else None,
        }
        if self.table == Table.ORDERS:
            filters |= {"status": data.get("status") or None, "order_type": data.get("type")}
        elif self.table == Table.FILLS:
            filters["side"] = data.get("side") or None
        else:
            filters["kind"] = data.get("kind") or None
        return filters


def _start_of(day) -> datetime | None:
    """Midnight at the start of ``day`` in the current (the user's) time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def history_rows(*, account: Account, table: str, filters: dict):
    """The filtered rows of one history table, newest first."""
    match table:
        case Table.ORDERS:
            return selectors.order_history(account=account, **filters)
        case Table.FILLS:
            return selectors.fill_history(account=account, **filters)
        case Table.LEDGER:
            return selectors.ledger_line_history(account=account, **filters)
    raise ValueError(f"No history table is called {table}.")


# CSV ---------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as exact text: decimals in plain notation, times in UTC, None empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _free_text(value: str) -> str:
    """Text a person typed (a memo), kept from being read as a spreadsheet formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True, slots=True)
class CsvLayout:
    header: tuple[str, ...]
    row: Callable


def _order_row(order: Order) -> tuple:
    return (
        order.pk,
        order.created_at,
        order.instrument.symbol,
        order.side,
        order.type,
        order.role,
        order.status,
        order.quantity,
        order.price,
        order.stop_price,
        order.filled_quantity,
        order.average_price,
        order.fees,
        order.time_in_force,
        order.reduce_only,
        order.client_order_id or "",
        order.reject_reason,
    )


def _fill_row(fill: Fill) -> tuple:
    return (
        fill.pk,
        fill.created_at,
        fill.order_id,
        fill.instrument.symbol,
        fill.side,
        fill.price,
        fill.quantity,
        fill.fee,
        fill.realized_pnl,
        fill.liquidity,
        fill.counterparty,
    )


def _ledger_row(line: JournalLine) -> tuple:
    return (
        line.entry_id,
        line.pk,
        line.entry.created_at,
        line.entry.kind,
        _free_text(line.entry.memo),
        line.asset,
        line.amount,
    )


LAYOUTS = {
    Table.ORDERS: CsvLayout(
        header=(
            "order_id",
            "created_at",
            "instrument",
            "side",
            "type",
            "role",
            "status",
            "quantity",
            "price",
            "stop_price",
            "filled_quantity",
            "average_price",
            "fees",
            "time_in_force",
            "reduce_only",
            "client_order_id",
            "reject_reason",
        ),
        row=_order_row,
    ),
    Table.FILLS: CsvLayout(
        header=(
            "fill_id",
            "created_at",
            "order_id",
            "instrument",
            "side",
            "price",
            "quantity",
            "fee",
            "realized_pnl",
            "liquidity",
            "counterparty",
        ),
        row=_fill_row,
    ),
    Table.LEDGER: CsvLayout(
        header=("entry_id", "line_id", "created_at", "kind", "memo", "asset", "amount"),
        row=_ledger_row,
    ),
}


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: str, rows: Iterable) -> Iterator[str]:
    """The CSV text of the rows, header first, one line at a time."""
    layout = LAYOUTS[table]
    writer = csv.writer(_Echo())
    yield writer.writerow(layout.header)
    for row in rows:
        yield writer.writerow([_text(value) for value in layout.row(row)])


def csv_response(*, table: str, rows) -> StreamingHttpResponse:
    """Stream the rows as a CSV download named after the table and today's date."""
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=EXPORT_CHUNK)
    response = StreamingHttpResponse(csv_lines(table, rows), content_type="text/csv")
    filename = f"shortbook-{table}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
