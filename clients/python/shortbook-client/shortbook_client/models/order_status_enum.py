from enum import StrEnum


class OrderStatusEnum(StrEnum):
    CANCELED = "canceled"
    EXPIRED = "expired"
    FILLED = "filled"
    NEW = "new"
    PARTIALLY_FILLED = "partially_filled"
    REJECTED = "rejected"
    TRIGGERED = "triggered"

    def __str__(self) -> str:
        return str(self.value)
