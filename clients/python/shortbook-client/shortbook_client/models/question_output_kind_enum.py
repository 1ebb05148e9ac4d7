from enum import StrEnum


class QuestionOutputKindEnum(StrEnum):
    CHOICE = "choice"
    NUMERIC = "numeric"

    def __str__(self) -> str:
        return str(self.value)
