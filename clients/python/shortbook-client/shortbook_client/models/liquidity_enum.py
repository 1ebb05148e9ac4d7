from enum import StrEnum


class LiquidityEnum(StrEnum):
    MAKER = "maker"
    TAKER = "taker"

    def __str__(self) -> str:
        return str(self.value)
