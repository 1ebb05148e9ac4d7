from enum import StrEnum


class OptionTypeEnum(StrEnum):
    CALL = "call"
    PUT = "put"

    def __str__(self) -> str:
        return str(self.value)
