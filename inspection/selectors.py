"""Reads of the inspection side that pages, filters and the API share."""
from django.db.models import Exists, OuterRef, Q

from inspection.models import Inspection, InspectionRound


def rounds_visible_to(user):
    """The rounds `user` sees a part of: their own scope's rounds, and rounds run from above that inspected in
    it (a county sees the city's rounds that inspected it; `InspectionRound.visible_to` alone would hide them).

    The OR keeps PostgreSQL from flattening the EXISTS into a join over every visible inspection (~150,000 in a
    province): own rounds are matched first, the EXISTS probes one round's inspections only for the others.
    """
    own = InspectionRound.objects.visible_to(user).values("pk")
    inspected = Exists(Inspection.objects.visible_to(user).filter(round=OuterRef("pk")))
    return InspectionRound.objects.filter(Q(pk__in=own) | Q(inspected))
