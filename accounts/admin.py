"""Back office for staff users (email login) and their resource permissions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_base import StockroomInline, StockroomModelAdmin, https_url_formfield

from .mfa import mfa_reset
from .models import (
    AccessPermission,
    ApiKey,
    IssuedRefreshToken,
    RecoveryCode,
    RecoveryCodeDevice,
    Role,
    User,
)
from .services import api_key_revoke
from .tokens import token_family_revoke, user_tokens_revoke

SHOPIFY_FIELDS = ("shopify_id", "shopify_updated_at", "admin_graphql_api_id")
# What Shopify owns on a mirrored staff member (the seeds' Users fields); logging in here,
# groups and permissions stay ours to manage.
SHOPIFY_OWNED_USER_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "url",
    "im",
    "screen_name",
    "phone",
    "account_owner",
    "receive_announcements",
    "bio",
    "permissions",
    "locale",
    "user_type",
    "tfa_enabled",
)


def _normalized_email(email: str) -> str:
    """As the manager stores it: the whole address lower-cased."""
    return BaseUserManager.normalize_email(email).lower()


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return _normalized_email(self.cleaned_data["email"])


class UserChangeForm(DjangoUserChangeForm):
    url = forms.URLField(label="URL", required=False, assume_scheme="https")

    class Meta:
        model = User
        fields = "__all__"
        formfield_callback = https_url_formfield

    def clean_email(self) -> str:
        return _normalized_email(self.cleaned_data["email"])


class AccessPermissionInline(StockroomInline):
    """Permissions are ours to grant, also to staff members mirrored from Shopify."""

    model = AccessPermission
    fields = ("resource", "action", "scope", "created_at")
    readonly_fields = ("created_at",)
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.TabularInline.has_add_permission(self, request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return admin.TabularInline.get_readonly_fields(self, request, obj)


@admin.register(User)
class UserAdmin(StockroomModelAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = (
        "email",
        "first_name",
        "last_name",
        "user_type",
        "account_owner",
        "is_staff",
        "is_active",
    )
    list_filter = ("user_type", "account_owner", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    readonly_fields = (
        *SHOPIFY_FIELDS,
        "last_login",
        "date_joined",
        "updated_at",
        "tokens_valid_after",
    )
    raw_id_fields = ("customer",)
    inlines = (AccessPermissionInline,)
    actions = ["log_out_everywhere", "reset_mfa"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {
                "fields": (
                    ("first_name", "last_name"),
                    "phone",
                    "url",
                    ("im", "screen_name"),
                    "bio",
                    "locale",
                )
            },
        ),
        (
            "Shop account",
            {
                "fields": (
                    "user_type",
                    "account_owner",
                    "receive_announcements",
                    "tfa_enabled",
                    "permissions",
                )
            },
        ),
        (
            "Access",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "customer",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (
            "Important dates",
            {"fields": ("last_login", "date_joined", "updated_at", "tokens_valid_after")},
        ),
        ("Shopify", {"classes": ("collapse",), "fields": SHOPIFY_FIELDS}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
        ("Profile", {"fields": (("first_name", "last_name"), "user_type")}),
    )

    @admin.action(description="Log out everywhere (end every session and API token)")
    def log_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.order_by("pk"):
            user_tokens_revoke(user=user)
        self.message_user(request, f"Logged out everywhere: {queryset.count()} user(s).")

    @admin.action(description="Reset MFA (remove devices; the user enrolls again at next login)")
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.order_by("pk"):
            mfa_reset(user=user)
        self.message_user(request, f"MFA reset: {queryset.count()} user(s).")

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> Any:
        # The add page is the short email + password step; permissions follow on the change page.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(self.readonly_fields)
        if self.is_mirrored(obj):
            return (*readonly, *SHOPIFY_OWNED_USER_FIELDS)
        return readonly


class RolePermissionInline(AccessPermissionInline):
    """A role's grants: the seeds' Permissions (resource, action, scope) held by the role."""

    fk_name = "role"


@admin.register(Role)
class RoleAdmin(StockroomModelAdmin):
    """Roles are editable: change their grants, add members, or define new roles."""

    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("users",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "slug", "description", "users", "created_at", "updated_at")
    inlines = (RolePermissionInline,)
    ordering = ("name",)


@admin.register(AccessPermission)
class AccessPermissionAdmin(StockroomModelAdmin):
    list_display = ("user", "role", "resource", "action", "scope", "created_at")
    list_filter = ("role", "resource", "action", "scope")
    list_select_related = ("user", "role")
    search_fields = ("user__email", "role__name", "resource")
    autocomplete_fields = ("user", "role")
    readonly_fields = ("created_at", "updated_at")
    ordering = ("-created_at",)


@admin.register(ApiKey)
class ApiKeyAdmin(StockroomModelAdmin):
    """Keys are created with `manage.py create_api_key` (the key is shown once); staff see and
    revoke them here. Only a digest of each key is stored."""

    list_display = ("name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "created_at")
    search_fields = ("name", "prefix")
    ordering = ("-created_at",)
    readonly_fields = (
        "prefix",
        "key_digest",
        "created_by",
        "created_at",
        "updated_at",
        "last_used_at",
    )
    fields = ("name", "scopes", "expires_at", "revoked_at", *readonly_fields)
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke selected keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            api_key_revoke(api_key=api_key)


class _ViewOnlyAdmin(StockroomModelAdmin):
    """Authentication state written by logins: staff look, never edit."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(_ViewOnlyAdmin):
    """Recovery code sets; the codes themselves are only stored as digests. Regenerate with
    `manage.py mfa recovery-codes <email>` or at /admin/mfa/recovery-codes/."""

    list_display = ("user", "name", "created_at", "last_used_at", "throttling_failure_count")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    ordering = ("-created_at",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(_ViewOnlyAdmin):
    list_display = ("pk", "device", "used_at")
    list_select_related = ("device__user",)
    list_filter = ("used_at",)
    search_fields = ("device__user__email",)
    ordering = ("-pk",)
    fields = ("device", "used_at")
    readonly_fields = fields


@admin.register(IssuedRefreshToken)
class IssuedRefreshTokenAdmin(_ViewOnlyAdmin):
    """One row per refresh token issued; a family is one login. Revoking a family ends that
    login's refresh and access tokens."""

    list_display = ("user", "family", "issued_at", "expires_at", "used_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = ("revoked_at", "issued_at")
    search_fields = ("user__email", "=family", "=jti")
    ordering = ("-issued_at",)
    fields = ("user", "family", "jti", "issued_at", "expires_at", "used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_families"]

    @admin.action(description="Revoke the selected logins (their token families)")
    def revoke_families(self, request: HttpRequest, queryset: QuerySet[IssuedRefreshToken]) -> None:
        families = sorted({str(family) for family in queryset.values_list("family", flat=True)})
        for family in families:
            token_family_revoke(family=family)
        self.message_user(request, f"Revoked {len(families)} login(s).")
