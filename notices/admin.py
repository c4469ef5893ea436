from django.contrib import admin

from inspection.admin import ScopedAdminMixin
from notices.models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The record of downloaded documents: read only (a download writes it)."""

    list_display = ("number", "kind", "addressee", "issued_by", "issued_at")
    list_filter = ("kind", "year")
    search_fields = ("number", "addressee")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
