"""Routes of the shopify app (mounted under /shopify/ in config/urls.py)."""

from django.urls import URLPattern, path

from . import views

app_name = "shopify"
urlpatterns: list[URLPattern] = [
    path("install", views.install, name="install"),
    path("callback", views.callback, name="callback"),
]
