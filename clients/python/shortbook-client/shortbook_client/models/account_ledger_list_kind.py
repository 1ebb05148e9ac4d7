from enum import StrEnum


class AccountLedgerListKind(StrEnum):
    BORROW_INTEREST = "borrow_interest"
    DEPOSIT = "deposit"
    FEE = "fee"
    FINANCING = "financing"
    FUNDING = "funding"
    GRANT = "grant"
    INSURANCE_COVER = "insurance_cover"
    LIQUIDATION_FEE = "liquidation_fee"
    PREMIUM = "premium"
    REALISED_PNL = "realised_pnl"
    RESET = "reset"
    SETTLEMENT = "settlement"
    TRANSFER = "transfer"

    def __str__(self) -> str:
        return str(self.value)
