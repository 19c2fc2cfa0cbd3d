"""Every entity and every field the seed lists exists in the data model."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .seed_entities import SEED_ENTITIES

# Seed names whose Django name is not the plain snake_case (or FK without `_id`) form.
RENAMES = {
    ("customers.CustomerAddress", "Default"): "is_default",
    ("b2b.Company", "company_name"): "name",
    ("catalog.SmartCollection", "DisjunctiveRules"): "disjunctive",
    ("finance.GiftCard", "Code"): "code_digest",  # only a SHA-256 of the code is stored
    ("orders.Refund", "RefundLineItems"): "refund_line_items",  # reverse relation
    ("orders.Refund", "Transactions"): "transactions",  # reverse relation (finance)
}


def _snake(name: str) -> str:
    name = name.replace("_", "")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() if name[0].isupper() else name


def _django_name(model_label: str, seed_name: str) -> list[str]:
    seed_name = seed_name.split(" (")[0]  # "Values (JSON array)" -> "Values"
    if (model_label, seed_name) in RENAMES:
        return [RENAMES[(model_label, seed_name)]]
    snake = _snake(seed_name) if seed_name[0].isupper() else seed_name
    candidates = [snake]
    if snake.endswith("_id"):
        candidates.append(snake[: -len("_id")])  # `ProductId` is the foreign key `product`
    return candidates


CASES = [
    (entity, label, field)
    for entity, label, fields in SEED_ENTITIES
    for field in fields
    if field != "Id"
]


def test_the_seed_lists_49_entities() -> None:
    assert len({entity for entity, _, _ in SEED_ENTITIES}) == 49


@pytest.mark.parametrize(
    ("entity", "label", "seed_field"), CASES, ids=[f"{e}.{f}" for e, _, f in CASES]
)
def test_every_seed_field_is_in_the_model(entity: str, label: str, seed_field: str) -> None:
    model = apps.get_model(label)
    found = []
    for name in _django_name(label, seed_field):
        try:
            found.append(model._meta.get_field(name))
        except FieldDoesNotExist:
            continue
    assert found, f"{entity}.{seed_field} is missing from {label}"
    if "(JSON" in seed_field:
        assert isinstance(found[0], models.JSONField), f"{entity}.{seed_field} is not JSON"
