from accounts.roles import is_unit_user


def navigation(request):
    """What the navigation bar offers: an inspected unit's users see neither regions nor articles (404 for them)."""
    user = getattr(request, "user", None)
    return {"nav_for_unit": bool(user and user.is_authenticated and is_unit_user(user))}
