"""Back office for compliance tracking, retention policies, GDPR requests and consent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_base import FullyValidatedModelForm, StockroomModelAdmin
from core.errors import ServiceError

from .choices import DataSubjectRequestSource, DataSubjectRequestType
from .models import ComplianceRecord, Consent, DataRetentionPolicy, DataSubjectRequest
from .retention import retention_entity_types
from .services import consent_record, data_subject_request_execute

TIMESTAMP_FIELDS = ("created_at", "updated_at")


@admin.register(ComplianceRecord)
class ComplianceRecordAdmin(StockroomModelAdmin):
    form = FullyValidatedModelForm
    list_display = (
        "entity_type",
        "entity_id",
        "compliance_type",
        "status",
        "last_audit_date",
        "auditor",
    )
    list_filter = ("compliance_type", "status", "entity_type", "last_audit_date")
    list_select_related = ("auditor",)
    search_fields = ("entity_type", "=entity_id")
    raw_id_fields = ("auditor",)
    readonly_fields = (*TIMESTAMP_FIELDS, "deleted_at")
    ordering = ("-last_audit_date",)
    fields = (
        ("entity_type", "entity_id"),
        "compliance_type",
        "status",
        ("last_audit_date", "auditor"),
        "notes",
        "evidence",
        *TIMESTAMP_FIELDS,
        "deleted_at",
    )


class DataRetentionPolicyForm(FullyValidatedModelForm):
    """The entity type is one the retention run can carry out (a model's class name)."""

    def clean_entity_type(self) -> str:
        entity_type = str(self.cleaned_data.get("entity_type", ""))
        known = retention_entity_types()
        if entity_type not in known:
            raise forms.ValidationError(f"Unknown entity type; use one of: {', '.join(known)}.")
        return entity_type


@admin.register(DataRetentionPolicy)
class DataRetentionPolicyAdmin(StockroomModelAdmin):
    """Policies are carried out nightly by `compliance.tasks.retention_run_task` (and by
    `manage.py retention_run [--dry-run]`); each run leaves an Event on the policy."""

    form = DataRetentionPolicyForm
    list_display = (
        "entity_type",
        "retention_period_days",
        "deletion_policy",
        "archive_policy",
        "is_active",
        "legal_basis",
    )
    list_filter = ("is_active", "deletion_policy", "archive_policy")
    search_fields = ("entity_type", "legal_basis")
    readonly_fields = (*TIMESTAMP_FIELDS, "deleted_at")
    ordering = ("entity_type",)
    fields = (
        "entity_type",
        "retention_period_days",
        ("deletion_policy", "archive_policy"),
        "is_active",
        "legal_basis",
        "description",
        *TIMESTAMP_FIELDS,
        "deleted_at",
    )


class DataSubjectRequestForm(FullyValidatedModelForm):
    """Staff type the subject's email address; only its digest is stored."""

    subject_email = forms.EmailField(
        required=False, help_text="Stored only as the SHA-256 digest of the lower-cased address."
    )

    class Meta:
        model = DataSubjectRequest
        fields = (
            "customer",
            "request_type",
            "status",
            "source",
            "requested_at",
            "due_at",
            "completed_at",
            "notes",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        email = self.cleaned_data.get("subject_email")
        if email:
            self.instance.subject_email_digest = DataSubjectRequest.digest_email(email)
        elif not self.instance.subject_email_digest:
            self.add_error("subject_email", "Enter the data subject's email address.")
        return self.cleaned_data


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(StockroomModelAdmin):
    """Requests are carried out by the compliance services (export, erasure), which record
    their evidence; here staff log requests, follow them and record decisions."""

    form = DataSubjectRequestForm
    actions = ("carry_out",)
    list_display = (
        "id",
        "request_type",
        "status",
        "source",
        "customer",
        "requested_at",
        "due_at",
        "completed_at",
    )
    list_filter = ("status", "request_type", "source", "due_at")
    list_select_related = ("customer",)
    search_fields = ("subject_email_digest__exact", "=shopify_request_id")
    raw_id_fields = ("customer",)
    ordering = ("-due_at",)
    add_fields = (
        "subject_email",
        "customer",
        ("request_type", "source"),
        ("requested_at", "due_at"),
        "notes",
    )
    change_fields = (
        "subject_email_digest",
        "customer",
        ("request_type", "source"),
        "status",
        ("requested_at", "due_at", "completed_at"),
        "notes",
        "evidence",
        ("shopify_request_id", "requested_by"),
        *TIMESTAMP_FIELDS,
    )
    change_readonly_fields = (
        "subject_email_digest",
        "customer",
        "request_type",
        "source",
        "requested_at",
        "evidence",
        "shopify_request_id",
        "requested_by",
        *TIMESTAMP_FIELDS,
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.change_fields if obj is not None else self.add_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.change_readonly_fields if obj is not None else ()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("source", DataSubjectRequestSource.ADMIN)
        return initial

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Staff search by email address: it is matched through its digest.
        if "@" in search_term:
            search_term = DataSubjectRequest.digest_email(search_term)
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.requested_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Carry out the selected export / erasure requests")
    def carry_out(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        executed = (DataSubjectRequestType.EXPORT, DataSubjectRequestType.ERASURE)
        for row in queryset.filter(request_type__in=executed).order_by("pk"):
            try:
                data_subject_request_execute(request_id=row.pk, actor=request.user)
            except ServiceError as error:
                self.message_user(request, f"Request {row.pk}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} request(s) carried out.", messages.SUCCESS)


class ConsentAddForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ("customer", "purpose", "granted", "opt_in_level", "source", "ip_address")


@admin.register(Consent)
class ConsentAdmin(StockroomModelAdmin):
    """Consent history is append-only: a change is recorded as a new row (through
    compliance.services.consent_record, which also derives the customer's marketing state),
    never an edit."""

    list_display = (
        "customer",
        "purpose",
        "granted",
        "opt_in_level",
        "source",
        "recorded_at",
        "withdrawn_at",
    )
    list_filter = ("purpose", "granted", "source", "recorded_at")
    list_select_related = ("customer",)
    search_fields = ("=customer__email", "=customer__id")
    raw_id_fields = ("customer", "recorded_by")
    ordering = ("-recorded_at",)
    fields = (
        "customer",
        "purpose",
        "granted",
        "opt_in_level",
        "source",
        "recorded_at",
        "withdrawn_at",
        "ip_address",
        "recorded_by",
    )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ConsentAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ConsentAddForm.Meta.fields if obj is None else self.fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = consent_record(
            customer=obj.customer,
            purpose=obj.purpose,
            granted=obj.granted,
            source=obj.source,
            actor=request.user,
            ip_address=obj.ip_address,
            opt_in_level=obj.opt_in_level,
        )
        obj.pk = saved.pk
        obj.recorded_at, obj.withdrawn_at = saved.recorded_at, saved.withdrawn_at

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
