from django.contrib import admin
from django.urls import include, path

from config import health, metrics, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("config.api.urls")),
    path("", include("accounts.urls")),
    path("", include("trading.urls")),
    path("", include("market.urls")),
    path("", include("education.urls")),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
