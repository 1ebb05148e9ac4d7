from enum import StrEnum


class InstrumentsListStatus(StrEnum):
    HALTED = "halted"
    OPEN = "open"
    SETTLED = "settled"

    def __str__(self) -> str:
        return str(self.value)
