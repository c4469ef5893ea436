from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import AuditEventListView

app_name = "accounts"

urlpatterns = [
    # django-axes throttles both through the authentication backend (settings.AUTHENTICATION_BACKENDS).
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", AuditEventListView.as_view(), name="audit_list"),
]
