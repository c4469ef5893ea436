from django.urls import path

from rectification import views

app_name = "rectification"

urlpatterns = [
    path("tasks/mine/", views.TodoView.as_view(), name="task_list_mine"),
    path("tasks/<int:pk>/progress/", views.TaskProgressView.as_view(), name="task_progress"),
    path("tasks/<int:pk>/close/", views.TaskCloseView.as_view(), name="task_close"),
    path("tasks/<int:pk>/extension/", views.ExtensionRequestView.as_view(), name="extension_request"),
    path("tasks/extensions/", views.ExtensionListView.as_view(), name="extension_list"),
    path("tasks/extensions/<int:pk>/decide/", views.ExtensionDecideView.as_view(), name="extension_decide"),
    path("tasks/evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
]
