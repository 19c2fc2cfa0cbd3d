"""django.contrib.admin's app config with our default site (INSTALLED_APPS names this class)."""

from django.contrib.admin.apps import AdminConfig


class StockroomAdminConfig(AdminConfig):
    """The default admin site demands a verified MFA device (accounts.admin_site)."""

    default_site = "accounts.admin_site.StockroomAdminSite"
