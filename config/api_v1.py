"""/api/v1/: auth and every resource family."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("accounts.api.urls")),
    path("", include("config.api_me")),
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
