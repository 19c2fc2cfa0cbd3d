"""Shopify's calculated query cost and its leaky bucket.

Requested cost (static, before execution), per Shopify's "API rate limits" page: a scalar or enum
costs 0, an object 1, a connection 2 plus `first`/`last` times the cost of one node (edges and
pageInfo are included in the 2), a list of objects like one object (the page sizes connections
only), an interface or union the sum of its fragments' selections, a mutation 10. Actual cost
counts the objects that came back the same way. A single query may not request more than 1,000.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)

from shopify.query_cost import selection_fields

MAX_QUERY_COST = 1000
MUTATION_COST = 10
# plan -> (restore rate in points/s, bucket size)
PLANS: dict[str, tuple[float, float]] = {
    "standard": (100.0, 2000.0),
    "advanced": (1000.0, 20000.0),
    "plus": (2000.0, 40000.0),
}
UNTHROTTLED = (1_000_000.0, 2_000_000.0)


def _is_list(output_type: GraphQLOutputType) -> bool:
    inner = output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type
    return isinstance(inner, GraphQLList)


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]

    def argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return value_from_ast_untyped(argument.value, self.variables)
        return None

    def fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        return selection_fields(selection_set, self.fragments)

    def field_type(self, parent: Any, name: str) -> GraphQLOutputType | None:
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
            return None if definition is None else definition.type
        if isinstance(parent, GraphQLUnionType):
            for member in parent.types:
                definition = member.fields.get(name)
                if definition is not None:
                    return definition.type
        return None

    def possible_field_type(self, parent: Any, name: str) -> GraphQLOutputType | None:
        found = self.field_type(parent, name)
        if found is None and isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            for member in self.schema.get_possible_types(parent):
                found = self.field_type(member, name)
                if found is not None:
                    break
        return found

    # --- requested ---------------------------------------------------------------------------

    def requested(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for node in self.fields(selection_set):
            name = node.name.value
            if name.startswith("__"):
                continue
            output_type = self.possible_field_type(parent, name)
            if output_type is None:
                continue
            named = get_named_type(output_type)
            if is_leaf_type(named):
                continue
            if named.name.endswith("Connection") and not _is_list(output_type):
                size = self.argument(node, "first") or self.argument(node, "last") or 0
                total += 2 + int(size) * self.node_cost(node, named)
            else:
                total += 1 + self.requested(node.selection_set, named)
        return total

    def node_cost(self, node: FieldNode, connection_type: Any) -> int:
        best = 0
        for child in self.fields(node.selection_set):
            name = child.name.value
            if name == "nodes":
                node_type = get_named_type(connection_type.fields["nodes"].type)
                best = max(best, 1 + self.requested(child.selection_set, node_type))
            elif name == "edges":
                edge_type = get_named_type(connection_type.fields["edges"].type)
                for edge_child in self.fields(child.selection_set):
                    if edge_child.name.value == "node":
                        node_type = get_named_type(edge_type.fields["node"].type)
                        best = max(best, 1 + self.requested(edge_child.selection_set, node_type))
        return best

    # --- actual ------------------------------------------------------------------------------

    def actual(self, selection_set: SelectionSetNode | None, parent: Any, data: Any) -> int:
        if not isinstance(data, dict):
            return 0
        total = 0
        for node in self.fields(selection_set):
            name = node.name.value
            key = node.alias.value if node.alias else name
            if name.startswith("__") or key not in data:
                continue
            output_type = self.possible_field_type(parent, name)
            if output_type is None:
                continue
            named = get_named_type(output_type)
            value = data[key]
            if is_leaf_type(named) or value is None:
                continue
            if named.name.endswith("Connection") and not _is_list(output_type):
                total += 2 + self.connection_actual(node, named, value)
            elif isinstance(value, list):
                total += sum(1 + self.actual(node.selection_set, named, item) for item in value)
            else:
                total += 1 + self.actual(node.selection_set, named, value)
        return total

    def connection_actual(self, node: FieldNode, connection_type: Any, value: Any) -> int:
        best = 0
        for child in self.fields(node.selection_set):
            key = child.alias.value if child.alias else child.name.value
            items = value.get(key) if isinstance(value, dict) else None
            if not isinstance(items, list):
                continue
            if child.name.value == "nodes":
                node_type = get_named_type(connection_type.fields["nodes"].type)
                best = max(
                    best,
                    sum(1 + self.actual(child.selection_set, node_type, item) for item in items),
                )
            elif child.name.value == "edges":
                edge_type = get_named_type(connection_type.fields["edges"].type)
                node_type = get_named_type(edge_type.fields["node"].type)
                for edge_child in self.fields(child.selection_set):
                    if edge_child.name.value != "node":
                        continue
                    edge_key = edge_child.alias.value if edge_child.alias else "node"
                    best = max(
                        best,
                        sum(
                            1 + self.actual(edge_child.selection_set, node_type, edge.get(edge_key))
                            for edge in items
                            if isinstance(edge, dict)
                        ),
                    )
        return best


def _operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if operation_name is None or (operation.name and operation.name.value == operation_name):
            return operation
    return None


def _walk(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> _Walk:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return _Walk(schema, fragments, variables)


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
) -> int:
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    walk = _walk(schema, document, variables)
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(walk.fields(operation.selection_set))
    return walk.requested(operation.selection_set, schema.query_type)


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
    data: Any,
) -> int:
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    walk = _walk(schema, document, variables)
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(walk.fields(operation.selection_set))
    return walk.actual(operation.selection_set, schema.query_type, data)


@dataclass
class Bucket:
    """The leaky bucket of one app on one shop: restores `restore_rate` points a second."""

    restore_rate: float
    maximum: float
    available: float = -1.0
    updated: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.available < 0:
            self.available = self.maximum

    def _refill(self) -> None:
        now = time.monotonic()
        self.available = min(
            self.maximum, self.available + (now - self.updated) * self.restore_rate
        )
        self.updated = now

    def take(self, points: int) -> bool:
        """Pay `points` if the bucket holds them."""
        with self.lock:
            self._refill()
            if points > self.available:
                return False
            self.available -= points
            return True

    def refund(self, points: int) -> None:
        with self.lock:
            self._refill()
            self.available = min(self.maximum, self.available + points)

    def status(self) -> dict[str, float]:
        with self.lock:
            self._refill()
            return {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": float(int(self.available)),
                "restoreRate": self.restore_rate,
            }
