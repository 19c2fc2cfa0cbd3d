"""/api/v1/: auth and every resource family."""

from typing import Any

from django.urls import include, path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

token_views: dict[str, Any] = {
    "permission_classes": [],
    "authentication_classes": [],
    "throttle_classes": [],
}

urlpatterns = [
    path("auth/token", TokenObtainPairView.as_view(**token_views), name="auth-token"),
    path("auth/token/refresh", TokenRefreshView.as_view(**token_views), name="auth-refresh"),
    *(
        path("", include(f"{app}.api.urls"))
        for app in (
            "catalog",
            "customers",
            "orders",
            "inventory",
            "finance",
            "shipping",
            "b2b",
            "markets",
            "webhooks",
            "compliance",
            "core",
        )
    ),
]
