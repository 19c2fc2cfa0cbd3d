"""Reads of the compliance app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import DataSubjectRequest


def customer_data_subject_request_list(*, customer_id: int) -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(customer_id=customer_id)
