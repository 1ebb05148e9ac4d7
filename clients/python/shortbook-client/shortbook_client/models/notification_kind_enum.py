from enum import StrEnum


class NotificationKindEnum(StrEnum):
    FUNDING = "funding"
    LIQUIDATION = "liquidation"
    MARGIN_WARNING = "margin_warning"
    ORDER_FILLED = "order_filled"
    SETTLEMENT = "settlement"
    STOP_TRIGGERED = "stop_triggered"
    TAKE_PROFIT_TRIGGERED = "take_profit_triggered"

    def __str__(self) -> str:
        return str(self.value)
