from enum import StrEnum


class InstrumentsIndicatorsName(StrEnum):
    BOLLINGER = "bollinger"
    EMA = "ema"
    FIBONACCI = "fibonacci"
    MACD = "macd"
    RSI = "rsi"
    SMA = "sma"

    def __str__(self) -> str:
        return str(self.value)
