from enum import StrEnum


class InstrumentOutputKindEnum(StrEnum):
    CFD = "cfd"
    FUTURE = "future"
    OPTION = "option"
    PERPETUAL = "perpetual"
    SPOT = "spot"

    def __str__(self) -> str:
        return str(self.value)
