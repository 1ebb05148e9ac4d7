"""Cursor pagination for the trading lists: stable pages while new rows arrive."""

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class NewestFirstPagination(CursorPagination):
    """Page newest first with an opaque ``cursor``; ``page_size`` up to 200.

    A cursor, unlike a page number, does not shift when orders and fills arrive
    while a client pages through its history.
    """

    ordering = ("-created_at", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as error:
            # A cursor the client mangled is bad input, not a missing resource.
            detail = {self.cursor_query_param: [str(error.detail)]}
            raise exceptions.ValidationError(detail) from error


class LedgerPagination(NewestFirstPagination):
    # A line's id grows with its entry; a cursor cannot follow the entry's created_at.
    ordering = ("-pk",)
