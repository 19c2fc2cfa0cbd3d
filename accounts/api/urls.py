from django.urls import path

from .views import LogoutAllView, LogoutView, TokenObtainView, TokenRefreshView

urlpatterns = [
    path("token", TokenObtainView.as_view(), name="auth-token"),
    path("token/refresh", TokenRefreshView.as_view(), name="auth-refresh"),
    path("logout", LogoutView.as_view(), name="auth-logout"),
    path("logout-all", LogoutAllView.as_view(), name="auth-logout-all"),
]
