"""What a GraphQL document costs, and the model of the bucket that pays for it.

The estimate, for a document not sent yet: Shopify's published rules for the requested cost,
applied to the document alone (no schema needed).

A scalar or enum field costs 0; an object 1; a connection (a field with `first`/`last` that
selects `nodes` or `edges`) 2 plus `first` times the cost of one node (pageInfo and edges are in
the 2); any other field with `first` is a list of that many objects; a mutation costs 10 per
root field. The client uses this for a document it has not sent yet, then the
`requestedQueryCost` Shopify reports for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    value_from_ast_untyped,
)

MUTATION_FIELD_COST = 10
_PARSED_LIMIT = 256
_parsed: dict[str, DocumentNode] = {}


def query_cost_estimate(query: str, variables: dict[str, Any] | None = None) -> int | None:
    """The requested cost of `query` with `variables`, or None when it does not parse."""
    document = _parse(query)
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return None
    operation = operations[0]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(fragments=fragments, variables=variables or {})
    if operation.operation == OperationType.MUTATION:
        return MUTATION_FIELD_COST * len(walk.fields(operation.selection_set))
    return walk.cost(operation.selection_set)


def _parse(query: str) -> DocumentNode | None:
    document = _parsed.get(query)
    if document is None:
        try:
            document = parse(query, no_location=True)
        except GraphQLError:
            return None
        if len(_parsed) >= _PARSED_LIMIT:
            _parsed.clear()
        _parsed[query] = document
    return document


def selection_fields(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    """Every field of a selection set, fragments flattened (their type conditions ignored)."""
    found: list[FieldNode] = []
    if selection_set is None:
        return found
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(selection_fields(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                found.extend(selection_fields(fragment.selection_set, fragments))
    return found


class _Walk:
    def __init__(
        self, *, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.fragments = fragments
        self.variables = variables

    def fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        return selection_fields(selection_set, self.fragments)

    def size(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = value_from_ast_untyped(argument.value, self.variables)
                return int(value) if isinstance(value, int) else 0
        return None

    def cost(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for node in self.fields(selection_set):
            if node.selection_set is None or node.name.value.startswith("__"):
                continue  # scalars and enums are free
            size = self.size(node)
            children = {child.name.value: child for child in self.fields(node.selection_set)}
            if size is not None and ("nodes" in children or "edges" in children):
                total += 2 + size * self.node_cost(children)
            elif size is not None:
                total += size * (1 + self.cost(node.selection_set))
            else:
                total += 1 + self.cost(node.selection_set)
        return total

    def node_cost(self, children: dict[str, FieldNode]) -> int:
        best = 0
        if "nodes" in children:
            best = 1 + self.cost(children["nodes"].selection_set)
        if "edges" in children:
            for edge_child in self.fields(children["edges"].selection_set):
                if edge_child.name.value == "node":
                    best = max(best, 1 + self.cost(edge_child.selection_set))
        return best


# --- the bucket -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    @classmethod
    def from_extensions(cls, extensions: dict[str, Any] | None) -> ThrottleStatus | None:
        status = ((extensions or {}).get("cost") or {}).get("throttleStatus")
        if not status:
            return None
        return cls(
            maximum_available=float(status["maximumAvailable"]),
            currently_available=float(status["currentlyAvailable"]),
            restore_rate=float(status["restoreRate"]),
        )


class CostBucket:
    """A model of Shopify's leaky bucket for one shop, shared by the clients of this process
    (thread-safe). It is read from each response's throttleStatus; a request about to be sent
    reserves its expected cost until its response arrives, so concurrent requests do not spend
    the same points twice."""

    def __init__(self) -> None:
        self.status: ThrottleStatus | None = None
        self.read_at = 0.0
        self.reserved = 0.0
        self._lock = threading.Lock()

    def available(self, *, at: float) -> float:
        """Points the bucket holds at `at` (monotonic seconds), less those reserved."""
        with self._lock:
            return self._available(at)

    def _available(self, at: float) -> float:
        if self.status is None:
            return float("inf")
        restored = self.status.restore_rate * max(0.0, at - self.read_at)
        full = min(self.status.maximum_available, self.status.currently_available + restored)
        return full - self.reserved

    def reserve(self, cost: float, *, at: float) -> float:
        """Reserve `cost` points and return 0, or return how long to wait before asking again."""
        with self._lock:
            status = self.status
            if status is None and self.reserved > 0:
                return 0.05  # one request at a time until Shopify has told us the bucket's state
            if status is not None:
                needed = min(cost, status.maximum_available) - self._available(at)
                if needed > 0:
                    return needed / status.restore_rate if status.restore_rate > 0 else 1.0
            self.reserved += cost
            return 0.0

    def settle(self, cost: float, status: ThrottleStatus | None, *, at: float) -> None:
        """A reserved request was answered: release its reservation, adopt Shopify's status."""
        with self._lock:
            self.reserved = max(0.0, self.reserved - cost)
            if status is not None:
                self.status, self.read_at = status, at


_buckets: dict[str, CostBucket] = {}
_buckets_lock = threading.Lock()


def shared_bucket(key: str) -> CostBucket:
    """The process's bucket model for one shop endpoint."""
    with _buckets_lock:
        return _buckets.setdefault(key, CostBucket())
