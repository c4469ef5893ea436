from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User
from core.admin import ScopedAdminMixin


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    """Only superusers manage users (no role has user permissions): a region admin cannot grant rights."""

    fieldsets = BaseUserAdmin.fieldsets + (("所属范围", {"fields": ("region", "organization")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("所属范围", {"fields": ("region", "organization")}),)
    list_display = ("username", "last_name", "first_name", "region", "organization", "is_staff", "is_active")
    list_filter = BaseUserAdmin.list_filter + ("region__level",)
    autocomplete_fields = ("region", "organization")
