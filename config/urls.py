from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

handler404 = "core.exceptions.not_found"

admin.site.site_header = "巡察整改跟踪系统"
admin.site.site_title = "巡察整改跟踪"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("ingest/", include("ingest.urls")),
    path("ledger/", include("ledger.urls")),
    path("notices/", include("notices.urls")),
    path("", include("inspection.urls")),
    path("", include("rectification.urls")),
    path("", include("dashboard.urls")),
]
