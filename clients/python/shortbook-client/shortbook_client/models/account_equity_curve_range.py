from enum import StrEnum


class AccountEquityCurveRange(StrEnum):
    ALL = "all"
    VALUE_0 = "1d"
    VALUE_1 = "1m"

    def __str__(self) -> str:
        return str(self.value)
