"""What holding a position costs or earns over time, and how dated instruments end.

Funding (perpetuals), borrow interest (spot shorts on margin), overnight financing
(CFDs) and settlement (dated futures and options): the risk workers call these on a
schedule. Rules of this module:

- Each service is one transaction: it locks the instrument's row, then the paper
  accounts holding a position in it in primary-key order, then the positions.
- Money moves only through balanced journal entries against the simulated market
  (``Account.SystemCode.MARKET``), one per position and period, each with an
  idempotency key naming the position and the period: a retried task finds the
  entry already written and skips the position, so nothing is posted or added to a
  position's cost fields twice.
- What a position pays is positive, what it receives negative, as in
  ``trading.engine.costs``; the position's cost field adds exactly that. A payment
  larger than the account's cash is covered by the insurance fund for the
  shortfall, as a realised loss is in ``orders._post_moves``, so no paper account
  goes below zero.
- Amounts are quantized to the ledger's eight places; one that rounds to zero
  posts nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from config.errors import Conflict
from market.models import FundingRate, Instrument
from trading import engine, events, selectors
from trading.models import Account, JournalEntry, Notification, Order, Position
from trading.services.ledger import Posting, _lock_accounts, _system_account, journal_post
from trading.services.notifications import carry_notification, notifications_create_many
from trading.services.orders import MONEY, _lock_instrument, _quote

# The platform lists no benchmark rate (SOFR, say) for its CFDs: ``financing_rate``
# is the admin fee of the engine's convention, so longs and shorts both pay it.
FINANCING_BENCHMARK_RATE = Decimal(0)
FINANCING_DAY_COUNT = 365
BORROW_HOURS = 1


@dataclass(frozen=True, slots=True)
class _Ledger:
    """The platform accounts a carry payment moves money with."""

    market: Account
    insurance: Account

    @classmethod
    def load(cls) -> "_Ledger":
        return cls(
            market=_system_account(Account.SystemCode.MARKET),
            insurance=_system_account(Account.SystemCode.INSURANCE),
        )


# Public services -------------------------------------------------------------------


@transaction.atomic
def funding_apply(*, instrument: Instrument, funding_rate: FundingRate) -> int:
    """Pay one funding interval on every open position in a perpetual; return how many paid.

    A positive rate makes longs pay shorts, a negative one the reverse, on the
    notional at the mark price fixed with the rate.
    """
    instrument = _lock_instrument(instrument.pk)
    _require_kind(instrument, Instrument.Kind.PERPETUAL)
    if funding_rate.instrument_id != instrument.pk:
        raise ValueError(f"The funding rate #{funding_rate.pk} is not {instrument.symbol}'s.")
    ledger = _Ledger.load()
    at = funding_rate.funding_time.isoformat()
    charged = 0
    told = []
    for position in _open_positions(instrument):
        payment = engine.funding_payment(
            _side(position), position.quantity, funding_rate.mark_price, funding_rate.rate
        )
        posted = _charge(
            position,
            payment,
            cost_field="funding_paid",
            kind=JournalEntry.Kind.FUNDING,
            key=f"funding:{position.pk}:{at}",
            memo=f"{instrument.symbol}: funding at {at}, rate {funding_rate.rate.normalize()} "
            f"on {abs(position.quantity).normalize()} at {funding_rate.mark_price.normalize()}",
            ledger=ledger,
        )
        if posted:
            told.append(
                carry_notification(
                    account_id=position.account_id,
                    kind=Notification.Kind.FUNDING,
                    symbol=instrument.symbol,
                    amount=payment.quantize(MONEY),
                    detail=f"Funding at {at}, rate {funding_rate.rate.normalize()}",
                )
            )
        charged += posted
    notifications_create_many(notifications=told)
    return charged


@transaction.atomic
def borrow_interest_charge(*, instrument: Instrument, hour: datetime) -> int:
    """Charge an hour's interest on the coin every spot short borrowed; return how many paid.

    The loan is valued at the current mark price, at the instrument's annual borrow
    rate. Longs borrow nothing here.
    """
    instrument = _lock_instrument(instrument.pk)
    _require_kind(instrument, Instrument.Kind.SPOT)
    rate = instrument.borrow_rate or Decimal(0)
    mark = _quote(instrument).mark_price
    ledger = _Ledger.load()
    charged = 0
    for position in _open_positions(instrument, shorts_only=True):
        interest = engine.borrow_interest(
            position.quantity, mark, annual_rate=rate, hours=BORROW_HOURS
        )
        charged += _charge(
            position,
            interest,
            cost_field="borrow_interest_paid",
            kind=JournalEntry.Kind.BORROW_INTEREST,
            key=f"borrow:{position.pk}:{hour.isoformat()}",
            memo=f"{instrument.symbol}: borrow interest for the hour {hour.isoformat()} "
            f"on {abs(position.quantity).normalize()} at {mark.normalize()}, "
            f"{rate.normalize()} a year",
            ledger=ledger,
        )
    return charged


@transaction.atomic
def financing_charge(*, instrument: Instrument, day: date) -> int:
    """Charge one night's financing on every open CFD position; return how many paid.

    Per ``engine.overnight_financing``: a long pays notional * (benchmark + fee) / 365
    and a short notional * (fee - benchmark) / 365, at the current mark price. With
    no benchmark, ``financing_rate`` is the fee and both sides pay it.
    """
    instrument = _lock_instrument(instrument.pk)
    _require_kind(instrument, Instrument.Kind.CFD)
    rate = instrument.financing_rate or Decimal(0)
    mark = _quote(instrument).mark_price
    ledger = _Ledger.load()
    charged = 0
    for position in _open_positions(instrument):
        financing = engine.overnight_financing(
            _side(position),
            position.quantity * mark,
            benchmark_rate=FINANCING_BENCHMARK_RATE,
            admin_fee_rate=rate,
            nights=1,
            day_count=FINANCING_DAY_COUNT,
        )
        charged += _charge(
            position,
            financing,
            cost_field="financing_paid",
            kind=JournalEntry.Kind.FINANCING,
            key=f"financing:{position.pk}:{day.isoformat()}",
            memo=f"{instrument.symbol}: overnight financing for {day.isoformat()} "
            f"on {abs(position.quantity).normalize()} at {mark.normalize()}",
            ledger=ledger,
        )
    return charged


@transaction.atomic
def instrument_settle(*, instrument: Instrument) -> int:
    """Close every position in a settled future or option in cash; return how many closed.

    Open orders are canceled. A future realises (settlement - entry) * signed
    quantity; an option pays its intrinsic value at the settlement price to its
    holders and charges it to its writers (the premium changed hands when it
    traded). Either way the position closes at that price, so its realised PnL is
    what a trade there would have realised, and its quantity becomes zero.
    """
    instrument = _lock_instrument(instrument.pk)
    if instrument.kind not in (Instrument.Kind.FUTURE, Instrument.Kind.OPTION):
        raise ValueError(f"{instrument.symbol} is not a dated future or an option.")
    if instrument.status != Instrument.Status.SETTLED or instrument.settlement_price is None:
        raise Conflict(f"{instrument.symbol} has not settled yet.", code="instrument_not_settled")
    now = timezone.now()
    Order.objects.filter(instrument=instrument, status__in=Order.OPEN_STATUSES).update(
        status=Order.Status.CANCELED, updated_at=now
    )
    settlement = instrument.settlement_price
    is_option = instrument.kind == Instrument.Kind.OPTION
    if is_option:
        # What one option is worth at expiry: the price it closes at.
        close_price = engine.option_payoff(
            engine.OptionKind(instrument.option_type), instrument.strike, settlement, Decimal(1)
        )
    else:
        close_price = settlement
    ledger = _Ledger.load()
    settled = 0
    told = []
    for position in _open_positions(instrument):
        # engine.realized_pnl, not apply_fill: a worthless option closes at zero.
        pnl = engine.realized_pnl(
            _side(position), abs(position.quantity), position.entry_price, close_price
        ).quantize(MONEY)
        # Cash the account receives: the option's value for a holder (paid by a
        # writer), the realised PnL for a future.
        cash = position.quantity * close_price if is_option else pnl
        _charge(
            position,
            -cash,
            cost_field=None,
            kind=JournalEntry.Kind.SETTLEMENT,
            key=f"settlement:{position.pk}",
            memo=f"{instrument.symbol}: settled {position.quantity.normalize()} at "
            f"{settlement.normalize()}",
            ledger=ledger,
        )
        position.quantity = position.entry_price = Decimal(0)  # Flat, as a closing fill leaves it.
        position.realized_pnl += pnl
        position.save(update_fields=["quantity", "entry_price", "realized_pnl", "updated_at"])
        events.position_changed(account_id=position.account_id, instrument_id=instrument.pk)
        settled += 1
        # Told even when nothing was paid: a worthless option expiring is news too.
        told.append(
            carry_notification(
                account_id=position.account_id,
                kind=Notification.Kind.SETTLEMENT,
                symbol=instrument.symbol,
                amount=(-cash).quantize(MONEY),
                detail=f"{instrument.symbol} settled in cash at {settlement.normalize()}",
            )
        )
    notifications_create_many(notifications=told)
    return settled


# Helpers ---------------------------------------------------------------------------


def _require_kind(instrument: Instrument, kind: str) -> None:
    if instrument.kind != kind:
        raise ValueError(f"{instrument.symbol} is not a {Instrument.Kind(kind).label.lower()}.")


def _open_positions(instrument: Instrument, *, shorts_only: bool = False) -> list[Position]:
    """Lock the accounts with an open position in the instrument, then the positions.

    The caller holds the instrument's lock, so no position in it opens or closes
    between the two reads.
    """
    positions = Position.objects.filter(instrument=instrument)
    positions = positions.filter(quantity__lt=0) if shorts_only else positions.exclude(quantity=0)
    _lock_accounts(positions.values_list("account_id", flat=True))
    return list(positions.select_related("account").select_for_update(of=("self",)).order_by("pk"))


def _side(position: Position) -> engine.Side:
    return engine.Side.BUY if position.quantity > 0 else engine.Side.SELL


def _charge(
    position: Position,
    amount: Decimal,
    *,
    cost_field: str | None,
    kind: str,
    key: str,
    memo: str,
    ledger: _Ledger,
) -> int:
    """Post what a position pays (positive) or receives (negative); return 1 if posted now.

    The insurance fund covers what the account's cash cannot, and the position's
    ``cost_field`` adds the whole amount.
    """
    amount = amount.quantize(MONEY)
    if amount == 0 or JournalEntry.objects.filter(idempotency_key=key).exists():
        return 0
    account = position.account
    postings = [Posting(account=ledger.market, amount=amount)]
    if amount > 0:
        paid = min(amount, max(selectors.account_cash(account=account), Decimal(0)))
        postings += [
            Posting(account=account, amount=-paid),
            Posting(account=ledger.insurance, amount=paid - amount),
        ]
    else:
        postings.append(Posting(account=account, amount=-amount))
    journal_post(
        kind=kind,
        postings=[p for p in postings if p.amount != 0],
        memo=memo,
        idempotency_key=key,
    )
    events.position_changed(account_id=position.account_id, instrument_id=position.instrument_id)
    if cost_field is not None:
        setattr(position, cost_field, getattr(position, cost_field) + amount)
        position.save(update_fields=[cost_field, "updated_at"])
    return 1
