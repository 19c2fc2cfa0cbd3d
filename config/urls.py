from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import health

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"

admin.site.site_header = "Stockroom"
admin.site.site_title = "Stockroom back office"
admin.site.index_title = "Back office"

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "api/docs/",
        # The split view: its init script is a same-origin request, not an inline script (CSP).
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-docs",
    ),
    path("api/v1/", include("config.api_v1")),
    path("api/v2/", include("config.api_v2")),
    path("shopify/", include("shopify.urls")),
    path("webhooks/", include("webhooks.urls")),
]
