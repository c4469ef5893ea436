from django.urls import path

from rectification.views import MyRectificationTaskListView, TaskCloseView, TaskProgressView

app_name = "rectification"

urlpatterns = [
    path("tasks/mine/", MyRectificationTaskListView.as_view(), name="task_list_mine"),
    path("tasks/<int:pk>/progress/", TaskProgressView.as_view(), name="task_progress"),
    path("tasks/<int:pk>/close/", TaskCloseView.as_view(), name="task_close"),
]
