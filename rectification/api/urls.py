"""This app's viewsets in the API router (`api/urls.py` reads ROUTES)."""
from rectification.api import views

ROUTES = [
    ("tasks", views.RectificationTaskViewSet),  # the busiest first (api/urls.py)
    ("rates", views.RateViewSet),
    ("extensions", views.DeadlineExtensionViewSet),
    ("evidence", views.EvidenceFileViewSet),
    ("follow-ups", views.FollowUpVisitViewSet),
    ("warnings", views.TaskWarningViewSet),
]
