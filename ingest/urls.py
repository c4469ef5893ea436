from django.urls import path

from ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/status/", views.article_status, name="article_status"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article_retry"),
    path("articles/<int:pk>/accept-rest/", views.facts_accept_rest, name="facts_accept_rest"),
    path("facts/<int:pk>/review/", views.fact_review, name="fact_review"),
    path("rounds/<int:pk>/review/", views.round_review, name="round_review"),
]
