"""Who may call the API: every role reads (scoping decides which rows); 巡察办 admins write. The daily work on
tasks (填报, 验收, 延期: a view's `service_checked_actions`) is open to every reading role here, because its service
decides who may do it (a unit reports and asks, a reviewer decides) after the object was found in scope."""
from rest_framework import permissions

from accounts.roles import is_region_admin, user_role


def may_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user_role(user) is not None))


class ReadScopedWriteAdmin(permissions.BasePermission):
    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        if not may_read(request.user):
            return False
        return (request.method in permissions.SAFE_METHODS or is_region_admin(request.user)
                or getattr(view, "action", None) in getattr(view, "service_checked_actions", ()))
