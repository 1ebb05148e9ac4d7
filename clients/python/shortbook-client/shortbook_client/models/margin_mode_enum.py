from enum import StrEnum


class MarginModeEnum(StrEnum):
    CROSS = "cross"
    ISOLATED = "isolated"

    def __str__(self) -> str:
        return str(self.value)
