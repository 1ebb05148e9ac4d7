from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from market import services


class Command(BaseCommand):
    help = (
        "Move an underlying's index price to PRICE through the tick pipeline, for demos, "
        "guides and tests. SYMBOL is an underlying (BTC) or any instrument on it "
        "(BTC-PERP); a running feed carries on from the new level."
    )

    def add_arguments(self, parser):
        parser.add_argument("symbol")
        parser.add_argument("price")

    def handle(self, *args, symbol, price, **options):
        try:
            price = Decimal(price)
        except InvalidOperation as error:
            raise CommandError(f"{price!r} is not a number.") from error
        try:
            quotes = services.index_move(symbol=symbol, price=price)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for quote in quotes:
            self.stdout.write(f"{quote.symbol:<24} mark {quote.mark_price}")
        self.stdout.write(self.style.SUCCESS(f"Moved {symbol.upper()} to {price}."))
