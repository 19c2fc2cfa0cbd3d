"""Routes of the webhooks app (mounted under /webhooks/ in config/urls.py)."""

from django.urls import URLPattern

app_name = "webhooks"
urlpatterns: list[URLPattern] = []
