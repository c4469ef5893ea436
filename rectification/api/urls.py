"""This app's viewsets in the API router (`api/urls.py` reads ROUTES)."""
from rectification.api import views

ROUTES = [
    ("tasks", views.RectificationTaskViewSet),
    ("extensions", views.DeadlineExtensionViewSet),
    ("evidence", views.EvidenceFileViewSet),
    ("follow-ups", views.FollowUpVisitViewSet),
    ("warnings", views.TaskWarningViewSet),
    ("rates", views.RateViewSet),
]
