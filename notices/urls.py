from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("read/", views.notice_mark_read, name="mark_read"),
    path("settings/", views.notice_preference, name="preference"),
    path("documents/", views.document_index, name="documents"),
    path("documents/tasks/", views.document_tasks, name="document_tasks"),
    path("documents/warnings/<int:pk>/", views.document_warning, name="document_warning"),
    path("documents/inspections/<int:pk>/feedback/", views.document_feedback, name="document_feedback"),
]
