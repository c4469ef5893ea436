"""The 待办 count in the navigation bar (`templates/rectification/includes/todo_nav.html`)."""
import functools

from rectification.selectors import todo_count


def todo(request):
    """`todo_count`: the user's open 待办 (None for roles without 待办); a callable, so the counts are queried only
    when a page shows them, once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"todo_count": None}
    return {"todo_count": functools.cache(lambda: todo_count(user))}
