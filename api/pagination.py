"""Pagination: cursors for the long lists (deep pages cost what the first does), page numbers for short ones."""
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, pagination


class ApiCursorPagination(pagination.CursorPagination):
    """Keyset pagination on the primary key (newest first unless `?ordering=` picks another indexed field).

    A cursor holds the last row's position, so page 10,000 is an index range scan like page 1.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
    cursor_query_description = "分页游标（取自上一页响应的 next / previous 链接）"
    page_size_query_description = "每页条数（最多 500）"
    invalid_cursor_message = "分页游标无效。"

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor this API did not write (forged, cut, of another ordering) is a 400 in the API's error
        shape, never a query that fails: its position must be a value the ordering field can hold."""
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                if "\x00" in cursor.position:  # PostgreSQL refuses NUL in text
                    raise ValueError(cursor.position)
                field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
                field.run_validators(field.to_python(cursor.position))  # bigint range, max_length
            return cursor
        except (exceptions.NotFound, FieldDoesNotExist, DjangoValidationError, TypeError, ValueError, OverflowError):
            raise exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None


class ApiPageNumberPagination(pagination.PageNumberPagination):
    """Page numbers for short lists (regions, organisations, rounds, groups)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = "页码"
    page_size_query_description = "每页条数（最多 1000）"
    invalid_page_message = "页码无效。"
