"""Instruments that staff list, halt and retire in the admin."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

POSITIVE = [MinValueValidator(Decimal("0.00000001"))]
RATE = {"max_digits": 12, "decimal_places": 8}
SIZE = {"max_digits": 28, "decimal_places": 8}


class Instrument(models.Model):
    """Something a user can trade: spot on margin, a perpetual, a future, a CFD, an option."""

    class Kind(models.TextChoices):
        SPOT = "spot", "Spot on margin"
        PERPETUAL = "perpetual", "Perpetual future"
        FUTURE = "future", "Dated future"
        CFD = "cfd", "CFD"
        OPTION = "option", "Option"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HALTED = "halted", "Halted"
        SETTLED = "settled", "Settled"

    symbol = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    base_asset = models.CharField(max_length=12)
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
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "symbol"]
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
        if errors:
            raise ValidationError(errors)
