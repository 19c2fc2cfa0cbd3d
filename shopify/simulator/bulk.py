"""Bulk operations: `bulkOperationRunQuery` validated against the schema, run in a thread,
written as JSONL and served at a URL; `bulk_operations/finish` sent to subscribers.

Lines follow Shopify's format: every node of the root connection is a line; nodes of nested
connections are lines of their own carrying `__parentId`; nested objects and lists stay inline.
A parent always comes before its children, but children are not always next to their parent:
roots are written in small groups and their children afterwards, interleaved (seeded).
The projection runs over the store's dicts directly (graphql-core validates the document but
does not execute it), so a W6-sized export is written in seconds.
"""

from __future__ import annotations

import random
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
    validate,
    value_from_ast_untyped,
)

from shopify.simulator.resolvers import COMPUTED, ROOT_KINDS
from shopify.simulator.rest import bulk_operation_payload
from shopify.simulator.schema import admin_schema
from shopify.simulator.search import build_filter
from shopify.simulator.values import Record, gid

if TYPE_CHECKING:
    from shopify.simulator.simulator import Simulator

LEAF, TYPENAME, OBJECT, LIST, CONNECTION = range(5)
ACTIVE = {"CREATED", "RUNNING", "CANCELING"}


@dataclass
class Entry:
    key: str
    name: str
    kind: int
    arguments: dict[str, Any]
    types: frozenset[str] | None = None
    plan: list[Entry] = field(default_factory=list)


class Compiler:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def compile(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        types: frozenset[str] | None = None,
    ) -> list[Entry]:
        entries: list[Entry] = []
        if selection_set is None:
            return entries
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                entries.append(self.field(selection, parent, types))
            elif isinstance(selection, InlineFragmentNode | FragmentSpreadNode):
                condition: NamedTypeNode | None
                if isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    condition, selections = fragment.type_condition, fragment.selection_set
                else:
                    condition, selections = selection.type_condition, selection.selection_set
                target = parent if condition is None else self.schema.get_type(condition.name.value)
                if target is None:
                    continue
                names = (
                    frozenset(t.name for t in self.schema.get_possible_types(target))
                    if is_abstract_type(target)
                    else frozenset({target.name})
                )
                entries.extend(
                    self.compile(selections, target, names if types is None else types & names)
                )
        return entries

    def field(self, node: FieldNode, parent: Any, types: frozenset[str] | None) -> Entry:
        name = node.name.value
        key = node.alias.value if node.alias else name
        arguments = {a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()}
        if name == "__typename":
            return Entry(key, name, TYPENAME, arguments, types)
        definition = _field_definition(self.schema, parent, name)
        output = definition.type
        inner = output.of_type if isinstance(output, GraphQLNonNull) else output
        named = get_named_type(output)
        if is_leaf_type(named):
            return Entry(key, name, LEAF, arguments, types)
        if not isinstance(inner, GraphQLList) and named.name.endswith("Connection"):
            return Entry(key, name, CONNECTION, arguments, types, self.node_plan(node, named))
        kind = LIST if isinstance(inner, GraphQLList) else OBJECT
        return Entry(key, name, kind, arguments, types, self.compile(node.selection_set, named))

    def node_plan(self, node: FieldNode, connection_type: Any) -> list[Entry]:
        plan: list[Entry] = []
        node_type = get_named_type(connection_type.fields["nodes"].type)
        for child in _fields(node.selection_set, self.fragments):
            if child.name.value == "nodes":
                plan.extend(self.compile(child.selection_set, node_type))
            elif child.name.value == "edges":
                for edge_child in _fields(child.selection_set, self.fragments):
                    if edge_child.name.value == "node":
                        plan.extend(self.compile(edge_child.selection_set, node_type))
        return plan


def _fields(selection_set: SelectionSetNode | None, fragments: dict[str, Any]) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            found.extend(_fields(fragments[selection.name.value].selection_set, fragments))
    return found


def _field_definition(schema: GraphQLSchema, parent: Any, name: str) -> Any:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) and name in parent.fields:
        return parent.fields[name]
    candidates = (
        parent.types if isinstance(parent, GraphQLUnionType) else schema.get_possible_types(parent)
    )
    for member in candidates:
        if name in member.fields:
            return member.fields[name]
    raise GraphQLError(f"Field '{name}' doesn't exist on type '{parent.name}'")


def project(
    record: Record, plan: list[Entry], children: list[tuple[Entry, list[Record]]] | None
) -> dict[str, Any]:
    """The selected fields of `record`; nested connections are appended to `children` (bulk)."""
    out: dict[str, Any] = {}
    type_name = record.get("__typename", "")
    for entry in plan:
        if entry.types is not None and type_name not in entry.types:
            continue
        kind = entry.kind
        if kind == TYPENAME:
            out[entry.key] = type_name
            continue
        if kind == CONNECTION:
            if children is not None:
                children.append((entry, record.get(entry.name) or []))
            continue
        computed = COMPUTED.get((type_name, entry.name))
        value = computed(record, entry.arguments) if computed else record.get(entry.name)
        if kind == LEAF or value is None:
            out[entry.key] = value
        elif kind == OBJECT:
            out[entry.key] = project(value, entry.plan, None)
        else:
            first = entry.arguments.get("first")
            items = value if first is None else value[:first]
            out[entry.key] = [
                project(item, entry.plan, None) if isinstance(item, dict) else item
                for item in items
            ]
    return out


def jsonl_lines(roots: list[Record], plan: list[Entry], seed: int) -> Iterator[bytes]:
    """Roots in small groups, each group's children after it, interleaved across parents."""
    rng = random.Random(seed)
    position = 0
    while position < len(roots):
        group = roots[position : position + rng.randint(1, 4)]
        position += len(group)
        queues: list[list[tuple[Entry, Record, str]]] = []
        for root in group:
            children: list[tuple[Entry, list[Record]]] = []
            yield orjson.dumps(project(root, plan, children))
            queue = [(entry, child, root["id"]) for entry, items in children for child in items]
            if queue:
                queues.append(queue)
        while queues:
            for queue in list(queues):
                for _ in range(rng.randint(1, 3)):
                    if not queue:
                        break
                    entry, child, parent_id = queue.pop(0)
                    yield from _child_lines(child, entry, parent_id)
                if not queue:
                    queues.remove(queue)


def _child_lines(record: Record, entry: Entry, parent_id: str) -> Iterator[bytes]:
    children: list[tuple[Entry, list[Record]]] = []
    line = project(record, entry.plan, children)
    line["__parentId"] = parent_id
    yield orjson.dumps(line)
    for child_entry, items in children:
        for child in items:
            yield from _child_lines(child, child_entry, record["id"])


class BulkRunner:
    """Bulk query operations of one simulator: at most one running at a time, like Shopify."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        # Removed with the runner (TemporaryDirectory cleans up when collected).
        self._directory = tempfile.TemporaryDirectory(prefix="shopify-simulator-bulk-")
        self.directory = Path(self._directory.name)
        self.files: dict[int, Path] = {}
        self.threads: list[threading.Thread] = []
        self.delay_seconds = 0.0

    def current(self, type_name: str = "QUERY") -> Record | None:
        operations = [
            record
            for record in self.simulator.store.records("bulk_operations")
            if record["type"] == type_name
        ]
        return max(operations, key=lambda record: record["_id"]) if operations else None

    def start(self, query: str) -> tuple[Record | None, list[Record]]:
        simulator = self.simulator
        schema = admin_schema()
        try:
            document = parse(query)
        except GraphQLError as error:
            return None, [_user_error(f"Invalid bulk query: {error.message}", "INVALID")]
        errors = validate(schema, document)
        if errors:
            return None, [_user_error(f"Invalid bulk query: {errors[0].message}", "INVALID")]
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
            return None, [
                _user_error("Bulk queries must contain exactly one query operation", "INVALID")
            ]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        roots = _fields(operations[0].selection_set, fragments)
        if len(roots) != 1 or roots[0].name.value not in ROOT_KINDS:
            return None, [
                _user_error("Bulk queries must select exactly one top-level connection", "INVALID")
            ]
        root = roots[0]
        compiler = Compiler(schema, fragments)
        entry = compiler.field(root, schema.query_type, None)
        if entry.kind != CONNECTION:
            return None, [
                _user_error("Bulk queries must select exactly one top-level connection", "INVALID")
            ]
        with simulator.store.lock:
            running = self.current("QUERY")
            if running is not None and running["status"] in ACTIVE:
                return None, [
                    _user_error(
                        "A bulk query operation for this app and shop is already in progress: "
                        f"{running['id']}.",
                        "OPERATION_IN_PROGRESS",
                    )
                ]
            legacy_id = simulator.ids("BulkOperation")
            operation: Record = {
                "__typename": "BulkOperation",
                "_id": legacy_id,
                "id": gid("BulkOperation", legacy_id),
                "status": "RUNNING",
                "errorCode": None,
                "createdAt": simulator.clock.stamp(),
                "completedAt": None,
                "objectCount": "0",
                "rootObjectCount": "0",
                "fileSize": None,
                "url": None,
                "partialDataUrl": None,
                "query": query,
                "type": "QUERY",
            }
            simulator.store.add("bulk_operations", operation)
        kind = ROOT_KINDS[root.name.value]
        thread = threading.Thread(
            target=self._run,
            args=(operation, kind, entry),
            name=f"bulk-{legacy_id}",
            daemon=True,
        )
        self.threads.append(thread)
        thread.start()
        # The mutation answers CREATED; the stored operation is already RUNNING.
        return {**operation, "status": "CREATED"}, []

    def _run(self, operation: Record, kind: str, entry: Entry) -> None:
        simulator = self.simulator
        with simulator.store.lock:
            matches = build_filter(kind, entry.arguments.get("query"))
            _, ordered = simulator.store.ordered(kind, "ID")
            roots = [record for record in ordered if matches is None or matches(record)]
        if self.delay_seconds:
            threading.Event().wait(self.delay_seconds)
        path = self.directory / f"{operation['_id']}.jsonl"
        count = 0
        size = 0
        with path.open("wb") as handle:
            for line in jsonl_lines(roots, entry.plan, seed=operation["_id"]):
                if operation["status"] == "CANCELING":
                    break
                handle.write(line)
                handle.write(b"\n")
                count += 1
                size += len(line) + 1
        with simulator.store.lock:
            self.files[operation["_id"]] = path
            canceled = operation["status"] == "CANCELING"
            operation.update(
                status="CANCELED" if canceled else "COMPLETED",
                completedAt=simulator.clock.stamp(),
                objectCount=str(count),
                rootObjectCount=str(len(roots)),
                fileSize=None if count == 0 else str(size),
                url=None
                if canceled or count == 0
                else f"{simulator.base_url}/bulk/{operation['_id']}.jsonl",
                partialDataUrl=f"{simulator.base_url}/bulk/{operation['_id']}.jsonl"
                if canceled
                else None,
            )
            simulator.store.touch("bulk_operations")
        simulator.emit("bulk_operations/finish", bulk_operation_payload(operation))

    def cancel(self, operation_id: str) -> tuple[Record | None, list[Record]]:
        with self.simulator.store.lock:
            operation = self.simulator.store.by_gid(operation_id)
            if operation is None or operation["__typename"] != "BulkOperation":
                return None, [_user_error("Bulk operation does not exist", None)]
            if operation["status"] not in ACTIVE:
                return operation, [
                    _user_error(
                        "A bulk operation cannot be canceled when it is "
                        f"{operation['status'].lower()}",
                        None,
                    )
                ]
            operation["status"] = "CANCELING"
            return operation, []

    def wait(self, timeout: float = 30.0) -> None:
        """Block until every started operation finished (tests)."""
        for thread in list(self.threads):
            thread.join(timeout)

    def file(self, legacy_id: int) -> Path | None:
        return self.files.get(legacy_id)


def _user_error(message: str, code: str | None) -> Record:
    return {"field": ["query"], "message": message, "code": code}
