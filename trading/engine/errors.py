"""The engine's error: a value the caller passed breaks a rule, with a stable code."""


class EngineError(ValueError):
    """Refuse a value that breaks one of the engine's rules.

    `code` is stable (`price_off_tick`, `invalid_quantity`, `sequence_not_increasing`...),
    so a service can map it to its own domain error without parsing the message.
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(message or code)
