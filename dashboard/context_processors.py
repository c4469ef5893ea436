from accounts.roles import is_region_admin, is_unit_user


def navigation(request):
    """What the navigation bar offers: an inspected unit's users see neither regions nor articles (404 for them);
    region admins and superusers see the page of waiting background work."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {"nav_for_unit": signed_in and is_unit_user(user), "nav_for_operators": signed_in and is_region_admin(user)}
