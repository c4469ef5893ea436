"""Who may call the API: every role reads (scoping decides which rows); 巡察办 admins write."""
from rest_framework import permissions

from accounts.roles import is_region_admin, user_role


def may_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user_role(user) is not None))


class ReadScopedWriteAdmin(permissions.BasePermission):
    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        if not may_read(request.user):
            return False
        return request.method in permissions.SAFE_METHODS or is_region_admin(request.user)
