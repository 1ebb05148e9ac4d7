from enum import StrEnum


class InstrumentOutputStatusEnum(StrEnum):
    HALTED = "halted"
    OPEN = "open"
    SETTLED = "settled"

    def __str__(self) -> str:
        return str(self.value)
