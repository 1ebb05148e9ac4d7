from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api.exceptions import api_not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api.urls")),
    path("", include("trading.api.urls")),
    path("", include("market.api.urls")),
    path("", include("education.api.urls")),
    # Anything else under /api/v1/ is a JSON 404, never an HTML page.
    # CSRF-exempt like every API view: an unsafe method gets the 404, not an HTML 403.
    re_path(r"^.*$", csrf_exempt(api_not_found)),
]
