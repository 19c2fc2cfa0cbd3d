"""Audit records cannot be edited or deleted: not through the ORM, not with raw SQL, not through
the admin, not through the API. The database trigger is what stops the first two."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from core.audit import audit_redaction
from core.models import Event
from core.services import event_record
from tests.customers.factories import CustomerFactory
from tests.security.report import AttackReport

pytestmark = pytest.mark.django_db


def snapshot(table: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t WHERE id = %s", [pk])
        row = cursor.fetchone()
    return row[0] if row else None


def sql(statement: str, params: list[Any]) -> Callable[[], Any]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


def attempt(action: Callable[[], Any]) -> bool:
    """True when the write was accepted by the database."""
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return False
    return True


def attacks(model: type[Any], table: str, pk: int, text_field: str) -> dict[str, Callable[[], Any]]:
    def orm_save() -> None:
        row = model.objects.get(pk=pk)
        setattr(row, text_field, "forged")
        row.save()

    return {
        "orm-save": orm_save,
        "orm-delete": lambda: model.objects.get(pk=pk).delete(),
        "queryset-update": lambda: model.objects.filter(pk=pk).update(**{text_field: "forged"}),
        "queryset-update-time": lambda: model.objects.filter(pk=pk).update(
            **{"timestamp" if model is LogEntry else "created_at": "2000-01-01T00:00:00Z"}
        ),
        "queryset-delete": lambda: model.objects.filter(pk=pk).delete(),
        "queryset-delete-all": lambda: model.objects.all().delete(),
        "raw-update": sql(f"UPDATE {table} SET {text_field} = 'forged' WHERE id = %s", [pk]),
        "raw-update-all": sql(f"UPDATE {table} SET {text_field} = 'forged'", []),
        "raw-delete": sql(f"DELETE FROM {table} WHERE id = %s", [pk]),
        "raw-delete-all": sql(f"DELETE FROM {table}", []),
        "raw-update-actor": sql(f"UPDATE {table} SET actor_id = NULL, {text_field} = 'x'", []),
        "raw-update-cte": sql(
            f"WITH gone AS (DELETE FROM {table} WHERE id = %s RETURNING id) SELECT 1", [pk]
        ),
    }


def test_audit_rows_refuse_every_update_and_delete(admin_user: Any, verified_login: Any) -> None:
    report = AttackReport("audit-append-only")
    customer = CustomerFactory.create(note="first")
    entry = LogEntry.objects.filter(object_pk=str(customer.pk)).get()
    event = event_record(subject=customer, verb="update", actor=admin_user)
    targets = [
        (LogEntry, "auditlog_logentry", entry.pk, "object_repr"),
        (Event, "core_event", event.pk, "message"),
    ]
    for model, table, pk, field in targets:
        before = snapshot(table, pk)
        count = model.objects.count()
        for name, action in attacks(model, table, pk, field).items():
            accepted = attempt(action)
            changed = snapshot(table, pk) != before or model.objects.count() != count
            report.tried(f"{table}:{name}", got_through=accepted or changed)

    # Through the admin: no add, change or delete pages, no bulk delete action.
    admin = Client()
    verified_login(admin, admin_user)
    for model_path, pk in (("auditlog/logentry", entry.pk), ("core/event", event.pk)):
        before_rows = (snapshot("auditlog_logentry", entry.pk), snapshot("core_event", event.pk))
        for method, url, data in (
            ("post", f"/admin/{model_path}/{pk}/change/", {"object_repr": "forged"}),
            ("post", f"/admin/{model_path}/{pk}/delete/", {"post": "yes"}),
            ("post", f"/admin/{model_path}/add/", {"object_repr": "forged"}),
            (
                "post",
                f"/admin/{model_path}/",
                {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
            ),
        ):
            response = getattr(admin, method)(url, data)
            after_rows = (snapshot("auditlog_logentry", entry.pk), snapshot("core_event", event.pk))
            report.tried(
                f"admin:{url}",
                got_through=after_rows != before_rows or response.status_code in (301, 302),
                status=response.status_code,
            )

    # Through the API: events are read-only, audit entries have no endpoint.
    api = APIClient()
    api.force_authenticate(admin_user)
    before_event = snapshot("core_event", event.pk)
    for method in ("post", "put", "patch", "delete"):
        for url in (f"/api/v1/events/{event.pk}", "/api/v1/events", "/api/v1/audit-log"):
            response = getattr(api, method)(url, {"message": "forged"}, format="json")
            report.tried(
                f"api:{method}:{url}",
                got_through=response.status_code < 400
                or snapshot("core_event", event.pk) != before_event,
                status=response.status_code,
            )
    report.assert_none_got_through()


def test_deleting_a_user_keeps_their_entries_and_only_drops_the_reference(
    admin_user: Any,
) -> None:
    staff = User.objects.create_user(email="leaver@example.com", password="x-long-password-1")
    customer = CustomerFactory.create()
    event = event_record(subject=customer, verb="update", actor=staff)
    entry = LogEntry.objects.create(
        content_type_id=LogEntry.objects.get(object_pk=str(customer.pk)).content_type_id,
        object_pk=str(customer.pk),
        object_repr="customer",
        action=LogEntry.Action.UPDATE,
        actor=staff,
        actor_email=staff.email,
    )

    staff.delete()

    entry.refresh_from_db()
    event.refresh_from_db()
    assert (entry.actor_id, entry.actor_email) == (None, "leaver@example.com")
    assert (event.actor_id, event.author) == (None, "leaver@example.com")


def test_erasure_may_rewrite_entries_inside_audit_redaction_only() -> None:
    customer = CustomerFactory.create()
    entry = LogEntry.objects.get(object_pk=str(customer.pk))

    with transaction.atomic(), audit_redaction():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="erased")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="again")

    entry.refresh_from_db()
    assert entry.object_repr == "erased"
