"""Underlyings and the instruments on them, which staff list, halt and retire in the admin.

An underlying (BTC, ETH) has one price feed and one index price; every instrument on
it (spot, perpetual, future, CFD, options) is marked from that index. Candles are
stored per instrument and interval.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

POSITIVE = [MinValueValidator(Decimal("0.00000001"))]
RATE = {"max_digits": 12, "decimal_places": 8}
SIZE = {"max_digits": 28, "decimal_places": 8}
PRICE = {"max_digits": 28, "decimal_places": 8}


class Underlying(models.Model):
    """An asset with one price feed; its index price marks every instrument on it."""

    class FeedSource(models.TextChoices):
        SIMULATED = "simulated", "Simulated random walk"
        REPLAY = "replay", "Historical replay"
        LIVE = "live", "Live exchange ticker"

    symbol = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=64)
    quote_asset = models.CharField(max_length=12, default="USD")
    price_tick = models.DecimalField(
        **SIZE, default=Decimal("0.01"), validators=POSITIVE, help_text="Index price rounding."
    )
    feed_source = models.CharField(
        max_length=16, choices=FeedSource.choices, default=FeedSource.SIMULATED
    )
    initial_price = models.DecimalField(
        **PRICE, validators=POSITIVE, help_text="Where a simulated feed starts."
    )
    seed = models.BigIntegerField(default=1, help_text="The simulated walk's seed.")
    annual_volatility = models.DecimalField(
        **RATE, default=Decimal("0.6"), validators=POSITIVE, help_text="Of the simulated walk."
    )
    replay_episode = models.CharField(
        max_length=32, blank=True, help_text="Which stretch of real history a replay plays."
    )
    replay_start = models.DateTimeField(
        null=True, blank=True, help_text="Where in the episode to start; its beginning if empty."
    )
    replay_speed = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("3600"),
        validators=POSITIVE,
        help_text="Historical seconds played per real second.",
    )
    replay_paused = models.BooleanField(
        default=False, help_text="A paused replay stands still until it is resumed."
    )
    listed = models.BooleanField(
        default=True,
        help_text="Shown in the public markets; a scenario's private replay is not.",
    )
    live_exchange = models.CharField(max_length=32, blank=True, default="kraken")
    live_symbol = models.CharField(max_length=32, blank=True)
    implied_volatility = models.DecimalField(
        **RATE, default=Decimal("0.6"), validators=POSITIVE, help_text="At-the-money, annual."
    )
    volatility_skew = models.DecimalField(
        **RATE,
        default=Decimal("-0.05"),
        help_text="Slope of the smile in log-moneyness (negative: puts dearer).",
    )
    volatility_curvature = models.DecimalField(
        **RATE, default=Decimal("0.1"), help_text="Convexity of the smile in log-moneyness."
    )
    option_strike_step = models.DecimalField(
        **PRICE, default=Decimal("1000"), validators=POSITIVE, help_text="Distance between strikes."
    )
    option_strike_count = models.PositiveSmallIntegerField(
        default=5, help_text="Strikes listed on each side of the money."
    )
    lists_derivatives = models.BooleanField(
        default=True, help_text="List a quarterly future and option chains automatically."
    )
    # The feed's state between ticks; written only by market.services.
    feed_state = models.JSONField(null=True, blank=True, editable=False)
    index_price = models.DecimalField(**PRICE, null=True, blank=True, editable=False)
    tick_sequence = models.BigIntegerField(default=0, editable=False)
    last_tick_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["symbol"]

    def __str__(self):
        return self.symbol

    def clean(self):
        if self.feed_source == self.FeedSource.REPLAY and not self.replay_episode:
            raise ValidationError({"replay_episode": "A replay needs an episode to play."})
        if self.feed_source == self.FeedSource.LIVE and not self.live_symbol:
            raise ValidationError({"live_symbol": "A live feed needs the exchange's symbol."})


class Instrument(models.Model):
    """Something a user can trade: spot on margin, a perpetual, a future, a CFD, an option."""

    class Kind(models.TextChoices):
        SPOT = "spot", "Spot on margin"
        PERPETUAL = "perpetual", "Perpetual future"
        FUTURE = "future", "Dated future"
        CFD = "cfd", "CFD"
        OPTION = "option", "Option"

    class OptionType(models.TextChoices):
        CALL = "call", "Call"
        PUT = "put", "Put"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HALTED = "halted", "Halted"
        SETTLED = "settled", "Settled"

    symbol = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    underlying = models.ForeignKey(Underlying, on_delete=models.PROTECT, related_name="instruments")
    quote_asset = models.CharField(max_length=12, default="USD")
    tick_size = models.DecimalField(**SIZE, validators=POSITIVE)
    lot_size = models.DecimalField(**SIZE, validators=POSITIVE)
    min_quantity = models.DecimalField(**SIZE, validators=POSITIVE)
    max_quantity = models.DecimalField(**SIZE, validators=POSITIVE)
    max_leverage = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    initial_margin_rate = models.DecimalField(**RATE, validators=POSITIVE)
    maintenance_margin_rate = models.DecimalField(**RATE, validators=POSITIVE)
    maker_fee_rate = models.DecimalField(**RATE, default=Decimal("0.0002"))
    taker_fee_rate = models.DecimalField(**RATE, default=Decimal("0.0005"))
    # Per kind: what a short costs to carry, and how the instrument ends.
    borrow_rate = models.DecimalField(
        **RATE, null=True, blank=True, help_text="Spot on margin: annual borrow interest."
    )
    funding_interval_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Perpetual: hours between funding payments."
    )
    funding_rate_cap = models.DecimalField(
        **RATE, null=True, blank=True, help_text="Perpetual: largest funding rate per interval."
    )
    financing_rate = models.DecimalField(
        **RATE, null=True, blank=True, help_text="CFD: annual overnight financing rate."
    )
    basis_rate = models.DecimalField(
        **RATE,
        null=True,
        blank=True,
        help_text="Dated future: annualised premium over the index, converging at expiry.",
    )
    expiry = models.DateTimeField(null=True, blank=True, help_text="Future and option.")
    settlement_price = models.DecimalField(**PRICE, null=True, blank=True, editable=False)
    strike = models.DecimalField(**PRICE, null=True, blank=True, validators=POSITIVE)
    option_type = models.CharField(max_length=4, choices=OptionType.choices, blank=True)
    # The fill model's outside liquidity around the reference price.
    spread_rate = models.DecimalField(
        **RATE, default=Decimal("0.0002"), validators=POSITIVE, help_text="Bid-ask spread."
    )
    depth_per_level = models.DecimalField(
        **SIZE, default=Decimal("2"), validators=POSITIVE, help_text="Quantity at each level."
    )
    level_step_rate = models.DecimalField(
        **RATE, default=Decimal("0.0005"), validators=POSITIVE, help_text="Gap between levels."
    )
    whale_notional = models.DecimalField(
        **PRICE,
        default=Decimal("250000"),
        validators=POSITIVE,
        help_text="A trade at least this large (in USD) shows in the whale feed.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "expiry", "strike", "symbol"]
        indexes = [models.Index(fields=["underlying", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tick_size__gt=0) & models.Q(lot_size__gt=0),
                name="market_instrument_sizes_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(maintenance_margin_rate__lt=models.F("initial_margin_rate")),
                name="market_instrument_maintenance_below_initial",
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__lte=models.F("max_quantity")),
                name="market_instrument_min_below_max_quantity",
            ),
        ]

    def __str__(self):
        return self.symbol

    def clean(self):
        errors = {}
        if (
            self.maintenance_margin_rate is not None
            and self.initial_margin_rate is not None
            and self.maintenance_margin_rate >= self.initial_margin_rate
        ):
            errors["maintenance_margin_rate"] = (
                "Maintenance margin must be below initial margin, or a new position "
                "would be liquidated as soon as it opened."
            )
        if (
            self.min_quantity is not None
            and self.max_quantity is not None
            and self.min_quantity > self.max_quantity
        ):
            errors["min_quantity"] = "The minimum order quantity is above the maximum."
        if self.lot_size and self.min_quantity and self.min_quantity % self.lot_size:
            errors["min_quantity"] = "The minimum order quantity must be a whole number of lots."
        if (
            self.initial_margin_rate
            and self.max_leverage
            and self.initial_margin_rate * self.max_leverage > Decimal("1.0000001")
        ):
            errors["max_leverage"] = (
                "Maximum leverage cannot exceed 1 / initial margin rate "
                f"({(Decimal(1) / self.initial_margin_rate).normalize()}x)."
            )
        errors.update(self._kind_errors())
        if errors:
            raise ValidationError(errors)

    def _kind_errors(self) -> dict[str, str]:
        """Refuse per-kind fields that are missing or make no sense for the kind."""
        errors = {}
        dated = self.kind in (self.Kind.FUTURE, self.Kind.OPTION)
        if dated and self.expiry is None:
            errors["expiry"] = "A future or option needs an expiry."
        if not dated and self.expiry is not None:
            errors["expiry"] = "Only futures and options expire."
        if self._state.adding and self.expiry is not None and self.expiry <= timezone.now():
            errors["expiry"] = "The expiry is in the past: list a future or option that lives."
        if self.kind == self.Kind.OPTION:
            if self.strike is None:
                errors["strike"] = "An option needs a strike."
            if not self.option_type:
                errors["option_type"] = "Say whether the option is a put or a call."
        elif self.strike is not None or self.option_type:
            errors["strike"] = "Only options have a strike and a type."
        if self.kind == self.Kind.PERPETUAL and not self.funding_interval_hours:
            errors["funding_interval_hours"] = "A perpetual needs a funding interval."
        if self.kind == self.Kind.SPOT and self.borrow_rate is None:
            errors["borrow_rate"] = "Spot on margin needs a borrow rate."
        if self.kind == self.Kind.CFD and self.financing_rate is None:
            errors["financing_rate"] = "A CFD needs an overnight financing rate."
        return errors


    @property
    def base_asset(self) -> str:
        return self.underlying.symbol

    @property
    def is_dated(self) -> bool:
        return self.expiry is not None


class MarginTier(models.Model):
    """One bracket of a tiered margin table, the way futures exchanges publish them.

    A position whose notional is at most ``max_notional`` (and above the previous
    tier's) needs ``initial_margin_rate`` to open and ``maintenance_margin_rate``
    less ``maintenance_amount`` to stay open.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="tiers")
    max_notional = models.DecimalField(**PRICE, validators=POSITIVE)
    initial_margin_rate = models.DecimalField(**RATE, validators=POSITIVE)
    maintenance_margin_rate = models.DecimalField(**RATE, validators=POSITIVE)
    maintenance_amount = models.DecimalField(**PRICE, default=Decimal(0))

    class Meta:
        ordering = ["instrument", "max_notional"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "max_notional"], name="market_margintier_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(maintenance_margin_rate__lt=models.F("initial_margin_rate")),
                name="market_margintier_maintenance_below_initial",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} up to {self.max_notional}"


class Candle(models.Model):
    """Open, high, low, close and volume of one instrument over one interval."""

    class Interval(models.TextChoices):
        MINUTE = "1m", "1 minute"
        FIVE_MINUTES = "5m", "5 minutes"
        HOUR = "1h", "1 hour"
        DAY = "1d", "1 day"

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="candles")
    interval = models.CharField(max_length=4, choices=Interval.choices)
    open_time = models.DateTimeField()
    open = models.DecimalField(**PRICE)
    high = models.DecimalField(**PRICE)
    low = models.DecimalField(**PRICE)
    close = models.DecimalField(**PRICE)
    volume = models.DecimalField(**SIZE, default=Decimal(0))

    class Meta:
        ordering = ["instrument", "interval", "open_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "interval", "open_time"], name="market_candle_unique"
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.interval} {self.open_time:%Y-%m-%d %H:%M}"


class Trade(models.Model):
    """A trade on the platform's tape: what the ticker's last price and the whale feed show.

    Trading reports every execution here; market keeps no account or user with it.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="trades")
    price = models.DecimalField(**PRICE)
    quantity = models.DecimalField(**SIZE)
    taker_side = models.CharField(max_length=4, choices=[("buy", "Buy"), ("sell", "Sell")])
    is_whale = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["instrument", "-created_at"], name="market_trade_tape_idx"),
            models.Index(
                fields=["instrument", "-created_at"],
                condition=models.Q(is_whale=True),
                name="market_trade_whale_idx",
            ),
        ]

    def __str__(self):
        return f"{self.taker_side} {self.quantity} {self.instrument_id} @ {self.price}"

    @property
    def notional(self):
        return self.price * self.quantity


class Positioning(models.Model):
    """How the platform's users stand in an instrument: longs, shorts, open interest.

    Trading reports it after every order that changed positions; market shows it as
    sentiment without knowing any account.
    """

    instrument = models.OneToOneField(
        Instrument, on_delete=models.CASCADE, related_name="positioning"
    )
    long_quantity = models.DecimalField(**SIZE, default=Decimal(0))
    short_quantity = models.DecimalField(**SIZE, default=Decimal(0))
    long_accounts = models.PositiveIntegerField(default=0)
    short_accounts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.instrument_id}: {self.long_quantity} long, {self.short_quantity} short"


class FundingRate(models.Model):
    """A perpetual's funding rate fixed at one funding time: what longs pay shorts."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="funding_rates"
    )
    funding_time = models.DateTimeField()
    rate = models.DecimalField(**RATE)
    mark_price = models.DecimalField(**PRICE)
    index_price = models.DecimalField(**PRICE)

    class Meta:
        ordering = ["instrument", "-funding_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "funding_time"], name="market_fundingrate_unique"
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.funding_time:%Y-%m-%d %H:%M} {self.rate}"
