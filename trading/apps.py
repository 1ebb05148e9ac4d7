from django.apps import AppConfig


class TradingConfig(AppConfig):
    name = "trading"
    verbose_name = "Paper accounts and the ledger"

    def ready(self):
        from trading import receivers  # noqa: F401  Connects trading to market's tick.
