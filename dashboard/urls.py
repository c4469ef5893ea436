from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization"),
    path("regions/", views.RegionView.as_view(), name="regions"),
    path("regions/<str:code>/", views.RegionView.as_view(), name="region"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("findings/", views.FindingListView.as_view(), name="findings"),
    path("warnings/", views.WarningListView.as_view(), name="warnings"),
]
