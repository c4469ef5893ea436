"""Reads of the inspection side that pages, filters and the API share."""
from inspection.models import Inspection, InspectionRound


def rounds_visible(user):
    """The rounds `user` sees a part of: those with an inspection in scope. A county sees the city's rounds
    that inspected it (the round itself belongs to the city, so `InspectionRound.visible_to` would hide it)."""
    return InspectionRound.objects.filter(pk__in=Inspection.objects.visible_to(user).values("round_id"))
