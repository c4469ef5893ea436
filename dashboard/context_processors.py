import functools

from django.conf import settings

from accounts.roles import is_region_admin, is_unit_user
from core.versioned_cache import LIVE_VERSION_KEY, versioned_cached


def navigation(request):
    """What the navigation bar offers: an inspected unit's users see neither regions nor articles (404 for them);
    region admins and superusers see the page of waiting background work; who may read the audit log sees its
    link (`nav_audit`, a callable: asked only by a page that shows the bar; the permission lookup's two queries
    cached per user until roles or permissions change, which ends the live version)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)

    @functools.cache
    def audit():
        return signed_in and versioned_cached(
            "nav-audit", (LIVE_VERSION_KEY,), (user.pk, user.is_superuser, user.is_active),
            lambda: user.has_perm("accounts.view_auditevent"), settings.PAGE_CACHE_SECONDS)

    return {"nav_for_unit": signed_in and is_unit_user(user), "nav_for_operators": signed_in and is_region_admin(user),
            "nav_audit": audit}
