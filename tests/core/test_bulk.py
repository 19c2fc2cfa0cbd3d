"""core.bulk: COPY-based loading with caller-assigned keys, then sequences realigned."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from core.bulk import bulk_load, insert_new, new, next_id, reset_sequences
from core.models import Event


@pytest.mark.django_db
def test_bulk_load_writes_rows_with_assigned_ids_and_resets_the_sequence() -> None:
    Event.objects.create(subject_id=1, subject_type="Order", verb="placed")
    first = next_id(Event)
    rows = [
        Event(id=first + i, subject_id=i, subject_type="Order", verb="paid", arguments={"n": i})
        for i in range(250)
    ]

    written = bulk_load(Event, rows)
    reset_sequences([Event])
    created = Event.objects.create(subject_id=9, subject_type="Order", verb="cancelled")

    assert written == 250
    assert Event.objects.count() == 252
    assert Event.objects.get(id=first + 7).arguments == {"n": 7}
    assert Event.objects.get(id=first + 7).created_at is not None
    assert created.id == first + 250


@pytest.mark.django_db
def test_new_instances_keep_given_timestamps_and_take_field_defaults() -> None:
    when = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    first = next_id(Event)

    bulk_load(
        Event,
        [new(Event, id=first, subject_id=5, subject_type="Order", verb="paid", created_at=when)],
    )

    event = Event.objects.get(id=first)
    assert event.created_at == when
    assert event.arguments == {}
    assert event.message == ""


def test_new_refuses_names_that_are_not_columns() -> None:
    with pytest.raises(TypeError, match=r"Event has no column attribute\(s\) \['actor'\]"):
        new(Event, actor=None)


@pytest.mark.django_db
def test_insert_new_takes_keys_from_the_sequence_and_raises_djangos_integrity_error() -> None:
    before = Event.objects.create(subject_id=1, subject_type="Order", verb="placed")

    events = [Event(subject_id=i, subject_type="Order", verb="paid") for i in range(3)]

    rows = insert_new(Event, events)
    after = Event.objects.create(subject_id=9, subject_type="Order", verb="paid")

    assert [row.pk for row in rows] == [before.pk + 1, before.pk + 2, before.pk + 3]
    assert after.pk == before.pk + 4  # the sequence moved past them: no reset needed
    assert not rows[0]._state.adding
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_load(Event, [Event(id=after.pk, subject_id=1, subject_type="Order", verb="paid")])
    assert Event.objects.count() == 5
