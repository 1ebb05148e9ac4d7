from enum import StrEnum


class MethodEnum(StrEnum):
    CFD = "cfd"
    MARGIN = "margin"
    PERPETUAL = "perpetual"
    PUT = "put"

    def __str__(self) -> str:
        return str(self.value)
