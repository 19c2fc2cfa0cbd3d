"""The admin's estimated counts on big tables."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core.admin_base import EstimatedCountPaginator
from core.models import Event


def _events(n: int) -> None:
    Event.objects.bulk_create(
        Event(subject_id=i, subject_type="Product", verb="create") for i in range(n)
    )


@pytest.mark.django_db
@override_settings(ADMIN_ESTIMATED_COUNT_THRESHOLD=10_000)
def test_small_tables_are_counted_exactly() -> None:
    _events(37)
    paginator = EstimatedCountPaginator(Event.objects.order_by("-id"), 10)
    assert paginator.count == 37
    assert paginator.num_pages == 4


@pytest.mark.django_db
@override_settings(ADMIN_ESTIMATED_COUNT_THRESHOLD=100)
def test_big_tables_use_the_planner_estimate_without_count() -> None:
    _events(500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_event")
    paginator = EstimatedCountPaginator(Event.objects.order_by("-id"), 10)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    assert count == 500  # ANALYZE saw every row of this small table
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("EXPLAIN")
    assert "COUNT(" not in queries[0]["sql"].upper()
