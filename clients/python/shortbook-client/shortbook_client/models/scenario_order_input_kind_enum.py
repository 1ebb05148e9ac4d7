from enum import StrEnum


class ScenarioOrderInputKindEnum(StrEnum):
    CFD = "cfd"
    PERPETUAL = "perpetual"
    SPOT = "spot"

    def __str__(self) -> str:
        return str(self.value)
