"""Errors the trading services raise, each with a stable code."""

from config.errors import DomainError


class InsufficientFunds(DomainError):
    code = "insufficient_funds"
    default_message = "The account does not have enough available funds."


class InvalidAmount(DomainError):
    code = "invalid_amount"
    default_message = "The amount is not valid."


class LedgerImbalance(Exception):
    """A journal entry that does not balance: a bug, never the caller's fault."""
