"""The connector's own state: the connection to a shop, sync runs, checkpoints and
reconciliation reports. The mirrored data itself lives in the domain apps' models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import TimestampedModel, choices_constraint, non_negative_constraint

from .choices import CircuitState, LedgerKind, SyncMode, SyncResource, SyncStatus

SHOP_DOMAIN_REGEX = r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$"


class ShopifyConnection(TimestampedModel):
    """The shop we mirror: how to reach it, its token (from OAuth or the environment) and the
    health of the link (the circuit breaker's state)."""

    shop_domain = models.CharField(max_length=255, help_text="your-store.myshopify.com")
    access_token = models.CharField(max_length=255, blank=True)
    scopes = models.TextField(blank=True, help_text="Comma-separated access scopes granted.")
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token = models.CharField(max_length=255, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    api_version = models.CharField(max_length=16, default="2026-10")
    installed_at = models.DateTimeField(null=True, blank=True)
    uninstalled_at = models.DateTimeField(null=True, blank=True)
    circuit_state = models.CharField(
        max_length=16, choices=CircuitState.choices, default=CircuitState.CLOSED
    )
    circuit_opened_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.IntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop_domain"], name="shopify_connection_domain_unique"
            ),
            models.CheckConstraint(
                condition=Q(shop_domain__regex=SHOP_DOMAIN_REGEX),
                name="shopify_connection_domain_valid",
            ),
            choices_constraint("circuit_state", CircuitState, "shopify_connection_circuit_valid"),
            non_negative_constraint("consecutive_failures", "shopify_connection_failures_gte_0"),
        ]

    def __str__(self) -> str:
        return self.shop_domain


class SyncRun(models.Model):
    """One sync of one resource: what it did, how long it took and what Shopify cost it."""

    connection = models.ForeignKey(
        ShopifyConnection, on_delete=models.CASCADE, related_name="sync_runs"
    )
    resource = models.CharField(max_length=32, choices=SyncResource.choices)
    mode = models.CharField(max_length=16, choices=SyncMode.choices)
    status = models.CharField(max_length=16, choices=SyncStatus.choices, default=SyncStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(
        null=True, blank=True, help_text="Incremental: updated_at lower bound (with overlap)."
    )
    window_end = models.DateTimeField(null=True, blank=True)
    bulk_operation_id = models.CharField(max_length=255, blank=True)
    records_seen = models.BigIntegerField(default=0)
    created = models.BigIntegerField(default=0)
    updated = models.BigIntegerField(default=0)
    stale = models.BigIntegerField(default=0)
    deleted = models.BigIntegerField(default=0)
    requests = models.IntegerField(default=0)
    throttled = models.IntegerField(default=0, help_text="THROTTLED responses received.")
    retries = models.IntegerField(default=0)
    cost_points = models.BigIntegerField(default=0, help_text="Actual query cost, summed.")
    throttle_wait_seconds = models.FloatField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows per model key.")
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["resource", "-started_at"], name="shopify_run_resource_idx"),
            models.Index(fields=["-started_at"], name="shopify_run_started_idx"),
            models.Index(fields=["status"], name="shopify_run_status_idx"),
        ]
        constraints = [
            choices_constraint("resource", SyncResource, "shopify_run_resource_valid"),
            choices_constraint("mode", SyncMode, "shopify_run_mode_valid"),
            choices_constraint("status", SyncStatus, "shopify_run_status_valid"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="shopify_run_finished_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.mode} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SyncCheckpoint(models.Model):
    """Where a resource's sync stands, written after every page or bulk chunk it applied, so a
    crashed or killed sync resumes there. `high_water_mark` is the newest `updated_at` fully
    applied: the next incremental window starts there (minus the overlap)."""

    connection = models.ForeignKey(
        ShopifyConnection, on_delete=models.CASCADE, related_name="checkpoints"
    )
    resource = models.CharField(max_length=32, choices=SyncResource.choices)
    high_water_mark = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(
        SyncRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The unfinished run to resume, if any.",
    )
    cursor = models.TextField(blank=True, help_text="Incremental: the last page's endCursor.")
    bulk_operation_id = models.CharField(max_length=255, blank=True)
    bulk_url = models.TextField(blank=True)
    bulk_lines_applied = models.BigIntegerField(
        default=0, help_text="Full: JSONL lines applied from the bulk result."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "resource"], name="shopify_checkpoint_resource_unique"
            ),
            choices_constraint("resource", SyncResource, "shopify_checkpoint_resource_valid"),
            non_negative_constraint("bulk_lines_applied", "shopify_checkpoint_lines_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} @ {self.high_water_mark}"


class ReconciliationReport(models.Model):
    """Store vs mirror, per resource: counts, missing/extra/stale ids and field differences."""

    connection = models.ForeignKey(
        ShopifyConnection, on_delete=models.CASCADE, related_name="reconciliation_reports"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    repaired = models.BooleanField(default=False)
    drift = models.BigIntegerField(default=0, help_text="Records that differ, all resources.")
    resources = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per resource: store_count, mirror_count, missing, extra, stale, differences.",
    )
    text = models.TextField(blank=True, help_text="The printed report.")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-started_at"], name="shopify_recon_started_idx")]
        constraints = [non_negative_constraint("drift", "shopify_recon_drift_gte_0")]

    def __str__(self) -> str:
        return f"reconciliation {self.started_at:%Y-%m-%d %H:%M}: drift {self.drift}"


class SyncLedgerEntry(models.Model):
    """What the bulk result a run is applying held, written with each chunk (so it survives a
    crash and the resumed run reads on from there), read back in batches at the end and cleared
    with the run: the ids seen of each model (a complete result deletes the mirrored rows it
    lacked), each parent's children (pruned to that set: `shopify_id` is the parent's, `member`
    the child's, NULL for a parent without any), the orders whose fulfillment and refund lines
    are fetched after the result."""

    checkpoint = models.ForeignKey(
        SyncCheckpoint, on_delete=models.CASCADE, related_name="ledger", db_index=False
    )
    kind = models.PositiveSmallIntegerField(choices=LedgerKind.choices)
    model = models.CharField(max_length=32, help_text="Mirror model key (the child's for CHILD).")
    shopify_id = models.BigIntegerField()
    member = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["checkpoint", "kind", "model", "shopify_id"],
                name="shopify_ledger_lookup_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.model} {self.shopify_id}"
