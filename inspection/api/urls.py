"""This app's viewsets in the API router (`api/urls.py` reads ROUTES)."""
from inspection.api import views

ROUTES = [
    ("regions", views.RegionViewSet),
    ("organizations", views.OrganizationViewSet),
    ("rounds", views.InspectionRoundViewSet),
    ("groups", views.InspectionGroupViewSet),
    ("inspections", views.InspectionViewSet),
    ("findings", views.FindingViewSet),
    ("leads", views.LeadViewSet),
]
