"""Pagination: cursors for the long lists (deep pages cost what the first does), page numbers for short ones."""
from rest_framework import pagination


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


class ApiPageNumberPagination(pagination.PageNumberPagination):
    """Page numbers for short lists (regions, organisations, rounds, groups)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = "页码"
    page_size_query_description = "每页条数（最多 1000）"
    invalid_page_message = "页码无效。"
