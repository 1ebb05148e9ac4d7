"""The only code that writes trading rows: the ledger, paper accounts, orders, positions.

Every public function is one database transaction and takes keyword arguments.
Locks are always taken in one order: the instrument's row (its order book), then
trading accounts by primary key.
"""

from trading.services.carry import (
    borrow_interest_charge,
    financing_charge,
    funding_apply,
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
)
from trading.services.orders import (
    account_reset,
    leverage_set,
    order_amend,
    order_cancel,
    order_cancel_all,
    order_place,
    position_close,
    positioning_publish,
)
from trading.services.triggers import (
    conditional_orders_check,
    gtd_orders_expire,
    resting_orders_fill_on_reference,
)

__all__ = [
    "Posting",
    "_system_account",
    "account_reset",
    "balance_restore",
    "borrow_interest_charge",
    "conditional_orders_check",
    "financing_charge",
    "funding_apply",
    "funds_grant",
    "funds_transfer",
    "gtd_orders_expire",
    "instrument_settle",
    "journal_post",
    "leverage_set",
    "order_amend",
    "order_cancel",
    "order_cancel_all",
    "order_place",
    "paper_account_open",
    "position_close",
    "positioning_publish",
    "resting_orders_fill_on_reference",
]
