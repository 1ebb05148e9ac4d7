"""The only code that writes trading rows: the ledger, paper accounts, orders, positions.

Every public function is one database transaction and takes keyword arguments.
Locks are always taken in one order: the instrument's row (its order book), then
trading accounts by primary key.
"""

from trading.services.carry import (
    borrow_interest_charge,
    borrow_interest_round_open,
    carry_batch_post,
    financing_charge,
    financing_round_open,
    funding_apply,
    funding_round_open,
    instrument_settle,
)
from trading.services.ledger import (
    Posting,
    _system_account,
    balance_restore,
    funds_grant,
    funds_transfer,
    journal_post,
    paper_account_open,
    scenario_account_open,
)
from trading.services.notifications import (
    margin_warning_check,
    notification_create,
    notification_mark_read,
    notifications_mark_all_read,
)
from trading.services.orders import (
    OcoRequest,
    account_reset,
    isolated_margin_adjust,
    leverage_set,
    margin_mode_set,
    oco_place,
    order_amend,
    order_cancel,
    order_cancel_all,
    order_place,
    position_close,
    positioning_publish,
)
from trading.services.snapshots import equity_snapshots_prune, equity_snapshots_take
from trading.services.triggers import (
    conditional_orders_check,
    gtd_orders_expire,
    instruments_due,
    resting_orders_fill_on_reference,
)

__all__ = [
    "OcoRequest",
    "Posting",
    "_system_account",
    "account_reset",
    "balance_restore",
    "borrow_interest_charge",
    "borrow_interest_round_open",
    "carry_batch_post",
    "conditional_orders_check",
    "equity_snapshots_prune",
    "equity_snapshots_take",
    "financing_charge",
    "financing_round_open",
    "funding_apply",
    "funding_round_open",
    "funds_grant",
    "funds_transfer",
    "gtd_orders_expire",
    "instrument_settle",
    "instruments_due",
    "isolated_margin_adjust",
    "journal_post",
    "leverage_set",
    "margin_mode_set",
    "margin_warning_check",
    "notification_create",
    "notification_mark_read",
    "notifications_mark_all_read",
    "oco_place",
    "order_amend",
    "order_cancel",
    "order_cancel_all",
    "order_place",
    "paper_account_open",
    "position_close",
    "positioning_publish",
    "resting_orders_fill_on_reference",
    "scenario_account_open",
]
