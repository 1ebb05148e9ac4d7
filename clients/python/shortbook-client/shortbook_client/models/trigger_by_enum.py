from enum import StrEnum


class TriggerByEnum(StrEnum):
    INDEX = "index"
    LAST = "last"
    MARK = "mark"

    def __str__(self) -> str:
        return str(self.value)
