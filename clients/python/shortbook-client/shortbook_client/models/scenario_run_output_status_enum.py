from enum import StrEnum


class ScenarioRunOutputStatusEnum(StrEnum):
    FINISHED = "finished"
    PAUSED = "paused"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
