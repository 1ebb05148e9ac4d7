from enum import StrEnum


class CounterpartyEnum(StrEnum):
    MARKET = "market"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
