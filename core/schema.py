"""Helpers that describe endpoints and fields in the API schema (in Chinese)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers


def described(noun: str):
    """List and detail descriptions for a read-only viewset."""
    return extend_schema_view(
        list=extend_schema(summary=f"{noun}列表", description=f"您权限范围内的{noun}，可筛选、排序、分页。"),
        retrieve=extend_schema(summary=f"{noun}详情", description=f"一条{noun}；不在您权限范围内时返回 404。"),
    )


def display(field: str, label: str):
    """The Chinese label of a choice field, read-only."""
    return serializers.CharField(source=f"get_{field}_display", read_only=True, label=label)
