from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from accounts.roles import can_use_admin_site


class ScopedAdminSite(admin.AdminSite):
    """Only staff with an admin role (巡察办管理员, 巡察组成员, 查看人员) or superusers enter the admin.

    What each sees inside is limited by their permissions and by `visible_to` (see `inspection.admin.ScopedAdminMixin`).
    Users of inspected units and API clients never do, even if marked as staff.
    """

    def has_permission(self, request):
        return can_use_admin_site(request.user)


class ScopedAdminSiteConfig(AdminConfig):
    """django.contrib.admin with `ScopedAdminSite` as its default site (named in INSTALLED_APPS)."""

    default_site = "accounts.admin_site.ScopedAdminSite"
