"""The client's cost estimate for a document it has not sent yet, against the simulator's
implementation of Shopify's requested-cost rules."""

from __future__ import annotations

import pytest
from graphql import parse

from shopify import queries
from shopify.query_cost import query_cost_estimate
from shopify.simulator.cost import requested_cost
from shopify.simulator.schema import admin_schema

VARIABLES = {
    "after": None,
    "query": "updated_at:>='2026-01-01T00:00:00Z'",
    "id": "gid://shopify/Product/1",
    "ids": ["gid://shopify/Order/1", "gid://shopify/Order/2"],
}
# Lists sized by `first` (an order's fulfillments, refunds, transactions) are counted at their
# full size, where the simulator counts them as one object: the estimate is higher, never lower.
OVER_ESTIMATED = {"OrdersPage", "OrderChildren"}


@pytest.mark.parametrize("name", sorted(queries.PAGED_DOCUMENTS))
@pytest.mark.parametrize("first", [1, 10, 50])
def test_the_estimate_is_shopifys_requested_cost(name: str, first: int) -> None:
    document = queries.PAGED_DOCUMENTS[name]
    variables = {**VARIABLES, "first": first}

    estimate = query_cost_estimate(document, variables)
    requested = requested_cost(admin_schema(), parse(document), None, variables)

    assert estimate is not None
    if name in OVER_ESTIMATED:
        assert estimate > requested
    else:
        assert estimate == requested


def test_a_mutation_costs_ten_points_per_root_field() -> None:
    assert query_cost_estimate(queries.BULK_RUN, {"query": "{ shop { id } }"}) == 10


def test_named_fragments_are_counted() -> None:
    document = """
    query Q($first: Int!) { products(first: $first) { nodes { ...P } } }
    fragment P on Product { id seo { title } variants(first: 3) { nodes { id } } }
    """

    # 2 + 4 * (1 + seo 1 + (2 + 3 * 1))
    assert query_cost_estimate(document, {"first": 4}) == 2 + 4 * (1 + 1 + 5)


def test_a_document_that_does_not_parse_has_no_estimate() -> None:
    assert query_cost_estimate("query { products(first: ", {}) is None
