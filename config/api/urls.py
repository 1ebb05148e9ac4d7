from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api.exceptions import api_not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api.urls")),
    path("", include("trading.api.urls")),
    path("", include("market.api.urls")),
    # Anything else under /api/v1/ is a JSON 404, never an HTML page.
    re_path(r"^.*$", api_not_found),
]
