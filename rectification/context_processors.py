"""The 待办 count in the navigation bar (`templates/rectification/includes/todo_nav.html`)."""
import functools

from django.conf import settings
from django.utils import timezone

from accounts.roles import user_role
from core.scoping import visibility_key
from core.versioned_cache import LIVE_VERSION_KEY, versioned_cached
from rectification.selectors import todo_count


def todo(request):
    """`todo_count`: the user's open 待办 (None for roles without 待办); a callable, so the counts are queried only
    when a page shows them, once. Cached until a change to tasks, 延期, progress records, roles or permissions
    commits (the live version), or the day changes (overdue)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"todo_count": None}

    @functools.cache
    def count():
        key = (visibility_key(user), user_role(user), user.is_superuser, timezone.localdate())
        return versioned_cached("todo", (LIVE_VERSION_KEY,), key, lambda: todo_count(user), settings.PAGE_CACHE_SECONDS)

    return {"todo_count": count}
