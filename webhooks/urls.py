"""Routes of the webhooks app (mounted under /webhooks/ in config/urls.py)."""

from django.urls import URLPattern, path

from .views import shopify_webhook

app_name = "webhooks"
urlpatterns: list[URLPattern] = [
    path("shopify/", shopify_webhook, name="shopify"),
]
