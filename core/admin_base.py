"""Shared admin machinery: fast counts on big tables, soft delete, read-only mirrored rows."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.functional import cached_property

from core import services as core_services


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, large tables are counted from the planner's estimate, not COUNT(*)."""

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return len(object_list)
        connection = connections[object_list.db]
        if connection.vendor != "postgresql":
            return object_list.count()
        estimate = _planner_row_estimate(object_list)
        if estimate < settings.ADMIN_ESTIMATED_COUNT_THRESHOLD:
            return object_list.count()
        return estimate


def _planner_row_estimate(queryset: QuerySet[Any]) -> int:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Deleted"), ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(deleted_at__isnull=True)

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Not deleted",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


def _is_soft_deletable(model: type[models.Model]) -> bool:
    return any(f.name == "deleted_at" for f in model._meta.get_fields())


def _is_mirrorable(model: type[models.Model]) -> bool:
    return any(f.name == "shopify_id" for f in model._meta.get_fields())


@admin.action(description="Soft-delete selected rows")
def soft_delete_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for obj in queryset.filter(deleted_at__isnull=True):
        if modeladmin.is_mirrored(obj):
            continue
        core_services.soft_delete(instance=obj)
    modeladmin.message_user(request, "Selected rows were deleted (they can be restored).")


@admin.action(description="Restore selected deleted rows")
def restore_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    restored = 0
    for obj in queryset.filter(deleted_at__isnull=False):
        core_services.restore(instance=obj)
        restored += 1
    modeladmin.message_user(request, f"{restored} row(s) restored.", messages.SUCCESS)


def https_url_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A `Meta.formfield_callback`: URL inputs assume https:// (Django 6's default), also on the
    intermediate form classes the admin builds for read-only fields."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class FullyValidatedModelForm(forms.ModelForm):
    """A model form that checks every model constraint, also those involving fields the admin
    shows read-only (`deleted_at`, `requested_at` …). Django skips such constraints, and the
    database then refuses the row with an IntegrityError (a 500) instead of a form error."""

    def validate_unique(self) -> None:
        # Django calls this last in _post_clean(), after the field and partial model checks.
        super().validate_unique()
        if self.errors:  # fix those first; then the remaining constraints are checked
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self.add_error(None, error.messages)


class StockroomModelAdmin(admin.ModelAdmin):
    """Base for every admin: estimated counts, soft delete with restore, mirrored rows read-only."""

    form: Any = FullyValidatedModelForm
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if _is_soft_deletable(self.model):
            queryset = self.model.all_objects.get_queryset()  # type: ignore[attr-defined]
            ordering = self.get_ordering(request)
            if ordering:
                queryset = queryset.order_by(*ordering)
            return queryset
        return super().get_queryset(request)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = list(super().get_list_filter(request))
        if _is_soft_deletable(self.model):
            filters.append(DeletedFilter)
        return filters

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if _is_soft_deletable(self.model):
            actions.pop("delete_selected", None)
            for action in (soft_delete_selected, restore_selected):
                name = action.__name__
                actions[name] = (action, name, action.short_description)  # type: ignore[attr-defined,assignment]
        return actions

    def is_mirrored(self, obj: models.Model | None) -> bool:
        return obj is not None and _is_mirrorable(type(obj)) and obj.shopify_id is not None  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.is_mirrored(obj):
            return [f.name for f in self.model._meta.concrete_fields]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.is_mirrored(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if _is_soft_deletable(type(obj)):
            core_services.soft_delete(instance=obj)
        else:
            super().delete_model(request, obj)


class StockroomInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and getattr(obj, "shopify_id", None) is not None:
            return False
        return super().has_add_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and getattr(obj, "shopify_id", None) is not None:
            return [f.name for f in self.model._meta.concrete_fields]
        return super().get_readonly_fields(request, obj)


class IdOnlyRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input without the label lookup Django runs for every row (one query each)."""

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        return "", ""


class RowInline(StockroomInline):
    """Inline rows cost no query each: raw-id inputs skip their label lookup (the row shows its
    own title/SKU instead) and `joined` foreign keys, shown read-only on mirrored parents, are
    fetched with the rows."""

    joined: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.joined) if self.joined else queryset

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name in self.raw_id_fields and "widget" not in kwargs:
            kwargs["widget"] = IdOnlyRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
