"""Routes of the shopify app (mounted under /shopify/ in config/urls.py)."""

from django.urls import URLPattern

app_name = "shopify"
urlpatterns: list[URLPattern] = []
