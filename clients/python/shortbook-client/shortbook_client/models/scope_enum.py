from enum import StrEnum


class ScopeEnum(StrEnum):
    READ = "read"
    TRADE = "trade"

    def __str__(self) -> str:
        return str(self.value)
