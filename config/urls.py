from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("config.api.urls")),
    path("", include("accounts.urls")),
    path("", include("trading.urls")),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
