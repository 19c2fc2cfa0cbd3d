"""Back office for the Shopify connector: the connection (token, circuit), sync runs with their
request and throttle statistics, checkpoints and reconciliation reports, and a form to start a
sync. Everything here is written by the connector, so it is shown read-only."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.admin_base import StockroomModelAdmin

from .choices import CircuitState, SyncMode, SyncResource
from .connection import connection_circuit_reset, connection_token_source
from .models import (
    ReconciliationReport,
    ShopifyConnection,
    SyncCheckpoint,
    SyncLedgerEntry,
    SyncRun,
)


class ReadOnlyAdmin(StockroomModelAdmin):
    """Rows the connector writes: staff look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _pre(value: Any) -> SafeString:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


def _token_hint(token: str) -> str:
    return f"…{token[-4:]}" if len(token) >= 8 else "set"


class StartSyncForm(forms.Form):
    resources = forms.MultipleChoiceField(
        choices=SyncResource.choices,
        initial=list(SyncResource.values),
        widget=forms.CheckboxSelectMultiple,
    )
    mode = forms.ChoiceField(choices=SyncMode.choices, initial=SyncMode.INCREMENTAL)


def sync_start(*, resources: list[str], full: bool) -> None:
    """Queue a sync once the admin's transaction (if any) has committed."""
    from .tasks import shopify_sync_task  # the tasks import the sync engine: only when used

    transaction.on_commit(lambda: shopify_sync_task.delay(resources=resources, full=full))


@admin.register(ShopifyConnection)
class ShopifyConnectionAdmin(StockroomModelAdmin):
    """Created by the connector (settings or OAuth); staff see it and act on it, every field is
    read-only."""

    list_display = (
        "shop_domain",
        "token",
        "access_token_expires_at",
        "circuit_state",
        "consecutive_failures",
        "last_success_at",
        "installed_at",
        "uninstalled_at",
    )
    list_filter = ("circuit_state",)
    search_fields = ("shop_domain",)
    ordering = ("shop_domain",)
    actions = ("start_incremental_sync", "start_full_sync", "close_circuit")
    change_form_template = "admin/shopify/shopifyconnection/change_form.html"
    fieldsets = (
        (None, {"fields": ("shop_domain", "api_version", "installed_at", "uninstalled_at")}),
        (
            "Access",
            {
                "fields": (
                    "token",
                    "scopes",
                    "access_token_expires_at",
                    "refresh_token_hint",
                    "refresh_token_expires_at",
                )
            },
        ),
        (
            "Circuit breaker",
            {
                "fields": (
                    "circuit_state",
                    "circuit_opened_at",
                    "consecutive_failures",
                    "last_error",
                    "last_success_at",
                )
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "shop_domain",
        "api_version",
        "installed_at",
        "uninstalled_at",
        "token",
        "scopes",
        "access_token_expires_at",
        "refresh_token_hint",
        "refresh_token_expires_at",
        "circuit_state",
        "circuit_opened_at",
        "consecutive_failures",
        "last_error",
        "last_success_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description="access token")
    def token(self, obj: ShopifyConnection) -> str:
        source = connection_token_source(connection=obj)
        if source == "oauth":
            return f"OAuth {_token_hint(obj.access_token)}"
        if source == "environment":
            return "SHOPIFY_ACCESS_TOKEN"
        return "none"

    @admin.display(description="refresh token")
    def refresh_token_hint(self, obj: ShopifyConnection) -> str:
        return _token_hint(obj.refresh_token) if obj.refresh_token else "none"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Start an incremental sync of every resource")
    def start_incremental_sync(
        self, request: HttpRequest, queryset: QuerySet[ShopifyConnection]
    ) -> None:
        sync_start(resources=list(SyncResource.values), full=False)
        self.message_user(request, "Incremental sync of every resource queued.", messages.SUCCESS)

    @admin.action(description="Start a full sync (bulk operations) of every resource")
    def start_full_sync(self, request: HttpRequest, queryset: QuerySet[ShopifyConnection]) -> None:
        sync_start(resources=list(SyncResource.values), full=True)
        self.message_user(request, "Full sync of every resource queued.", messages.SUCCESS)

    @admin.action(description="Close the circuit (the shop is reachable again)")
    def close_circuit(self, request: HttpRequest, queryset: QuerySet[ShopifyConnection]) -> None:
        closed = 0
        for connection in queryset.exclude(circuit_state=CircuitState.CLOSED):
            connection_circuit_reset(connection=connection)
            closed += 1
        self.message_user(request, f"{closed} circuit(s) closed.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/start-sync/",
                self.admin_site.admin_view(self.start_sync_view),
                name="shopify_shopifyconnection_start_sync",
            )
        ]
        return own + super().get_urls()

    def start_sync_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not request.user.has_perm("shopify.add_syncrun") and not request.user.is_superuser:
            messages.error(request, "You may not start a sync.")
            return HttpResponseRedirect(reverse("admin:shopify_shopifyconnection_changelist"))
        connection = get_object_or_404(ShopifyConnection, pk=object_id)
        form = StartSyncForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            resources = list(form.cleaned_data["resources"])
            full = form.cleaned_data["mode"] == SyncMode.FULL
            sync_start(resources=resources, full=full)
            self.message_user(
                request,
                f"{'Full' if full else 'Incremental'} sync of {', '.join(resources)} queued.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:shopify_syncrun_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Start a sync of {connection.shop_domain}",
            "opts": self.model._meta,
            "original": connection,
            "form": form,
        }
        return TemplateResponse(request, "admin/shopify/start_sync.html", context)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "resource",
        "mode",
        "status",
        "records_seen",
        "created",
        "updated",
        "stale",
        "deleted",
        "requests",
        "throttled",
        "retries",
        "cost_points",
        "duration",
        "started_at",
    )
    list_filter = ("resource", "mode", "status", "started_at")
    search_fields = ("bulk_operation_id",)
    ordering = ("-started_at",)
    fieldsets = (
        (
            None,
            {"fields": ("connection", "resource", "mode", "status", "bulk_operation_id")},
        ),
        (
            "Timing",
            {
                "fields": (
                    "started_at",
                    "finished_at",
                    "duration",
                    "heartbeat_at",
                    "window_start",
                    "window_end",
                )
            },
        ),
        (
            "Records",
            {"fields": ("records_seen", "created", "updated", "stale", "deleted", "counts_pre")},
        ),
        (
            "Shopify API",
            {
                "fields": (
                    "requests",
                    "throttled",
                    "retries",
                    "cost_points",
                    "throttle_wait_seconds",
                )
            },
        ),
        ("Errors", {"fields": ("errors_pre",)}),
    )
    readonly_fields = (
        "connection",
        "resource",
        "mode",
        "status",
        "bulk_operation_id",
        "started_at",
        "finished_at",
        "duration",
        "heartbeat_at",
        "window_start",
        "window_end",
        "records_seen",
        "created",
        "updated",
        "stale",
        "deleted",
        "counts_pre",
        "requests",
        "throttled",
        "retries",
        "cost_points",
        "throttle_wait_seconds",
        "errors_pre",
    )

    @admin.display(description="duration")
    def duration(self, obj: SyncRun) -> str:
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f} s"

    @admin.display(description="counts")
    def counts_pre(self, obj: SyncRun) -> SafeString:
        return _pre(obj.counts)

    @admin.display(description="errors")
    def errors_pre(self, obj: SyncRun) -> SafeString:
        return _pre(obj.errors) if obj.errors else format_html("{}", "none")


@admin.register(SyncCheckpoint)
class SyncCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("resource", "high_water_mark", "run", "bulk_lines_applied", "updated_at")
    list_filter = ("resource",)
    list_select_related = ("run",)
    ordering = ("resource",)
    readonly_fields = (
        "connection",
        "resource",
        "high_water_mark",
        "run",
        "cursor",
        "bulk_operation_id",
        "bulk_url",
        "bulk_lines_applied",
        "updated_at",
    )
    fields = readonly_fields


@admin.register(SyncLedgerEntry)
class SyncLedgerEntryAdmin(ReadOnlyAdmin):
    """A running full sync's scratch list of what its bulk result held (empty between runs):
    visible so a stuck or killed run can be looked into."""

    list_display = ("checkpoint", "kind", "model", "shopify_id", "member")
    list_filter = ("kind", "model")
    list_select_related = ("checkpoint",)
    ordering = ("checkpoint", "kind", "model", "shopify_id")
    show_full_result_count = False


RECONCILIATION_COLUMNS = ("store_count", "mirror_count", "missing", "extra", "stale", "differences")


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        return str(len(value))
    return "—" if value is None else str(value)


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "drift", "repaired")
    list_filter = ("repaired", "started_at")
    ordering = ("-started_at",)
    fields = ("connection", "started_at", "finished_at", "drift", "repaired", "table", "report")
    readonly_fields = fields

    @admin.display(description="per resource")
    def table(self, obj: ReconciliationReport) -> SafeString:
        resources = obj.resources or {}
        if not resources:
            return format_html("{}", "no resources compared")
        header = format_html_join(
            "", "<th>{}</th>", ((c.replace("_", " "),) for c in RECONCILIATION_COLUMNS)
        )
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (
                    name,
                    format_html_join(
                        "",
                        "<td>{}</td>",
                        ((_cell((values or {}).get(column)),) for column in RECONCILIATION_COLUMNS),
                    ),
                )
                for name, values in sorted(resources.items())
            ),
        )
        return format_html(
            "<table><thead><tr><th>resource</th>{}</tr></thead><tbody>{}</tbody></table>",
            header,
            rows,
        )

    @admin.display(description="report")
    def report(self, obj: ReconciliationReport) -> SafeString:
        return _pre(obj.text or "")
