"""Reads of notices: a user's own notices, with the objects they are about checked against their scope."""
from collections import defaultdict

from notices.models import Notice


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_of(user, *, kind: str = "", unread: bool = False):
    notices = Notice.objects.filter(recipient=user).select_related("content_type")
    if kind:
        notices = notices.filter(kind=kind)
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return notices


def notices_visible(notices, user) -> list:
    """Mark each notice `visible`: its object still exists and is within `user`'s scope (one query per kind of
    object on the page). A notice whose object the user may no longer see shows neither its text nor its link."""
    notices = list(notices)
    ids = defaultdict(set)
    for notice in notices:
        if notice.content_type_id:
            ids[notice.content_type_id].add(notice.object_id)
    seen = {}
    for content_type_id, object_ids in ids.items():
        model = next(n.content_type for n in notices if n.content_type_id == content_type_id).model_class()
        seen[content_type_id] = set(model.objects.visible_to(user).filter(pk__in=object_ids).values_list("pk", flat=True))
    for notice in notices:
        notice.visible = notice.content_type_id is None or notice.object_id in seen[notice.content_type_id]
    return notices
