from django.urls import path

from ledger import views

app_name = "ledger"

urlpatterns = [
    path("template/", views.template_download, name="template"),
    path("inspections/<int:pk>/import/", views.import_page, name="import"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/<int:pk>/retry/", views.import_retry, name="import-retry"),
    path("export/inspections/<int:pk>/", views.export_inspection, name="export-inspection"),
    path("export/rounds/<int:pk>/", views.export_round, name="export-round"),
    path("export/organizations/<int:pk>/", views.export_organization, name="export-organization"),
    path("export/tasks/", views.export_tasks, name="export-tasks"),
    path("export/findings/", views.export_findings, name="export-findings"),
]
