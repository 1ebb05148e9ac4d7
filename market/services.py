"""Write paths for instruments: the only code that creates or changes one."""

from django.core.exceptions import ValidationError
from django.db import transaction

from market.models import Instrument

# Fields a listing sets. ``status`` is left out on purpose: it moves only through
# ``instrument_set_status``, which knows which moves are allowed.
INSTRUMENT_FIELDS = frozenset(
    {
        "kind",
        "base_asset",
        "quote_asset",
        "tick_size",
        "lot_size",
        "min_quantity",
        "max_quantity",
        "max_leverage",
        "initial_margin_rate",
        "maintenance_margin_rate",
        "maker_fee_rate",
        "taker_fee_rate",
    }
)

# Which status each admin action may move an instrument from.
STATUS_MOVES = {
    Instrument.Status.HALTED: {Instrument.Status.OPEN},
    Instrument.Status.OPEN: {Instrument.Status.HALTED},
}


@transaction.atomic
def instrument_upsert(*, symbol: str, **fields) -> Instrument:
    """Create the instrument ``symbol`` or change its listing; validate it first.

    Raise ``ValidationError`` (naming the field) for a listing that cannot trade,
    such as a maintenance margin at or above the initial margin.
    """
    unknown = set(fields) - INSTRUMENT_FIELDS
    if unknown:
        raise TypeError(f"instrument_upsert() got unknown fields: {', '.join(sorted(unknown))}")
    instrument = Instrument.objects.select_for_update().filter(symbol=symbol).first() or Instrument(
        symbol=symbol
    )
    for name, value in fields.items():
        setattr(instrument, name, value)
    instrument.full_clean()
    instrument.save()
    return instrument


@transaction.atomic
def instrument_set_status(*, instrument: Instrument, status: str) -> Instrument:
    """Halt or reopen trading in an instrument; asking for its current status changes nothing.

    A settled instrument is final: it cannot be halted or reopened.
    """
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status == status:
        return instrument
    allowed_from = STATUS_MOVES.get(status)
    if allowed_from is None:
        raise ValidationError({"status": f"Staff cannot set an instrument to {status!r}."})
    if instrument.status not in allowed_from:
        raise ValidationError(
            {
                "status": (
                    f"{instrument.symbol} is {instrument.get_status_display().lower()} "
                    f"and cannot be set to {Instrument.Status(status).label.lower()}."
                )
            }
        )
    instrument.status = status
    instrument.save(update_fields=["status", "updated_at"])
    return instrument
