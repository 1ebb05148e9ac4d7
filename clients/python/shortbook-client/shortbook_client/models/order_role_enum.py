from enum import StrEnum


class OrderRoleEnum(StrEnum):
    ENTRY = "entry"
    STOP_LOSS = "stop_loss"
    TAKE_PROFIT = "take_profit"

    def __str__(self) -> str:
        return str(self.value)
