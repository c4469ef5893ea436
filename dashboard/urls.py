from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("regions/", views.RegionView.as_view(), name="region_index"),
    path("regions/<str:code>/", views.RegionView.as_view(), name="region_detail"),
    path("tasks/", views.RectificationTaskListView.as_view(), name="task_list"),
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("lookup/regions/levels/", views.region_levels, name="region_levels"),
    path("lookup/<str:kind>/", views.lookup, name="lookup"),
    path("warnings/", views.TaskWarningListView.as_view(), name="warning_list"),
    path("work/", views.waiting_work, name="waiting_work"),
]
