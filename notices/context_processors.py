from django.utils.functional import SimpleLazyObject

from notices.selectors import unread_count


def unread_notices(request):
    """The bell's unread count: one COUNT on a partial index, run only by a template that shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notice_count": SimpleLazyObject(lambda: unread_count(user))}
