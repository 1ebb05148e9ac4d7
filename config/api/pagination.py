from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class DefaultPagination(PageNumberPagination):
    """Page through a list with ``page`` and ``page_size`` (at most 200).

    A page that is not a whole number from 1 is bad input (400); a page past the last
    is a 404, as the schema says for every list paged this way.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        whole = page is not None and page.isascii() and page.isdigit() and int(page) >= 1
        if page is not None and not whole and page not in self.last_page_strings:
            detail = {self.page_query_param: ["A page is a whole number from 1."]}
            raise exceptions.ValidationError(detail)
        return super().paginate_queryset(queryset, request, view=view)
