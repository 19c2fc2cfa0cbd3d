"""One Admin GraphQL request: parse, validate against Shopify's schema, cost, throttle, execute.

Every answer is HTTP 200 with Shopify's body shapes: `errors` for invalid documents, `THROTTLED`
when the bucket cannot pay the requested cost, `MAX_COST_EXCEEDED` over 1,000 points, and
`extensions.cost` on every executed (or throttled) request.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    parse,
    validate,
)

from shopify.simulator.cost import MAX_QUERY_COST, actual_cost, requested_cost
from shopify.simulator.resolvers import ROOT, RequestContext, field_resolver
from shopify.simulator.schema import admin_schema

if TYPE_CHECKING:
    from shopify.simulator.simulator import Simulator

RATE_LIMITS_DOCS = "https://shopify.dev/api/usage/rate-limits"
_COST_HELP = (
    "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
    "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk "
    "operations should be used instead.\nSee "
    "https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
)


def _operation_name(document: DocumentNode, requested: str | None) -> str | None:
    if requested:
        return requested
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None


def _error(message: str, **extensions: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if extensions:
        error["extensions"] = extensions
    return error


def handle_graphql(simulator: Simulator, body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return {"errors": [_error("Invalid JSON in request body", code="BAD_REQUEST")]}
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return {"errors": [_error("Parameter Missing or Invalid: query", code="BAD_REQUEST")]}
    variables = payload.get("variables") or {}
    try:
        document = parse(payload["query"])
    except GraphQLError as error:
        return {"errors": [error.formatted]}
    schema = admin_schema()
    errors = validate(schema, document)
    if errors:
        return {"errors": [error.formatted for error in errors]}
    operation_name = _operation_name(document, payload.get("operationName"))
    simulator.stats.count_operation(operation_name)
    requested = requested_cost(schema, document, payload.get("operationName"), variables)
    if requested > MAX_QUERY_COST:
        return {
            "errors": [
                _error(
                    f"Query cost is {requested}, which exceeds the single query max cost limit "
                    f"({MAX_QUERY_COST}).\n\n{_COST_HELP}",
                    code="MAX_COST_EXCEEDED",
                    cost=requested,
                    maxCost=MAX_QUERY_COST,
                    documentation=RATE_LIMITS_DOCS,
                )
            ]
        }
    bucket = simulator.bucket
    if not bucket.take(requested):
        simulator.stats.throttled += 1
        return {
            "errors": [_error("Throttled", code="THROTTLED", documentation=RATE_LIMITS_DOCS)],
            "extensions": {
                "cost": {
                    "requestedQueryCost": requested,
                    "actualQueryCost": None,
                    "throttleStatus": bucket.status(),
                }
            },
        }
    context = RequestContext(simulator=simulator, operation_name=operation_name)
    with simulator.store.lock:
        result = execute(
            schema,
            document,
            root_value=ROOT,
            context_value=context,
            variable_values=variables,
            operation_name=payload.get("operationName"),
            field_resolver=field_resolver,
        )
        assert isinstance(result, ExecutionResult)  # resolvers are synchronous
        actual = (
            requested
            if result.data is None
            else actual_cost(schema, document, payload.get("operationName"), variables, result.data)
        )
    actual = min(actual, requested)
    bucket.refund(requested - actual)
    simulator.stats.cost_points += actual
    response: dict[str, Any] = {}
    if result.errors:
        response["errors"] = [error.formatted for error in result.errors]
    response["data"] = result.data
    response["extensions"] = {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": bucket.status(),
        }
    }
    if context.root_connections and operation_name is not None:
        simulator.page_served(operation_name)
    return response
