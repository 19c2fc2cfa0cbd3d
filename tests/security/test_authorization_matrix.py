"""Default deny: EVERY URL pattern x every method x every identity against tests/security/policy.

Identities: anonymous, a customer login, staff without permissions, staff holding each seeded
role, and an API key with each single scope. Ids in URLs are concrete rows of the seeded world;
/me ids belong to another customer. Each request runs in a savepoint that is rolled back, so
every cell sees the same world. A URL pattern without a policy row (or a stale row, or a method
the policy does not list) fails the test."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.scopes import SCOPES, scope_allows
from accounts.selectors import user_scopes
from tests.security.policy import POLICY, ROLE_SCOPES, Route
from tests.security.report import AttackReport
from tests.security.world import World, build_world, client_for

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITE_BODY: dict[str, Any] = {}
UNLIMITED = "1000000/minute"


def url_patterns() -> dict[str, tuple[str, set[str]]]:
    """route name -> (pattern, HTTP methods it serves), for every pattern outside /admin/."""
    found: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith("admin/"):
                    continue
                assert pattern.name, f"unnamed URL pattern {route}"
                name = namespace + pattern.name
                assert name not in found, f"two URL patterns named {name}"
                actions = getattr(pattern.callback, "actions", None) or {}
                # DRF adds `head` to a GET route's actions on its first request.
                found[name] = (route, {method.upper() for method in actions} - {"HEAD"})

    walk(get_resolver().url_patterns, "")
    return found


def identities() -> list[str]:
    return [
        "anonymous",
        "customer",
        "staff",
        *(f"role:{slug}" for slug in ROLE_SCOPES),
        *(f"key:{scope}" for scope in SCOPES),
    ]


def scopes_of(identity: str) -> frozenset[str]:
    if identity.startswith("key:"):
        return frozenset({identity.removeprefix("key:")})
    if identity.startswith("role:"):
        return ROLE_SCOPES[identity.removeprefix("role:")]
    return frozenset()


def outcome(status: int) -> str:
    if status >= 500:
        return "error"
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "hidden"
    if status == 405:
        return "absent"
    return "served"


def expected(route: Route, method: str, identity: str) -> set[str]:
    """The outcomes the policy allows for this cell."""
    if route.kind == "public":
        return {"served", "denied", "hidden", "absent"}  # anything but a server error
    if route.kind == "hmac":
        return {"denied"} if method == "POST" else {"absent"}
    if identity == "anonymous":
        return {"denied"}
    if route.kind == "me":
        if identity != "customer":
            return {"denied"}
        if method not in route.methods.split():
            return {"absent"}
        return {"hidden"} if route.ids else {"served"}
    write = method not in ("GET", "HEAD", "OPTIONS") or route.kind == "scoped_write"
    if not scope_allows(scopes_of(identity), family=route.family, write=write):
        return {"denied"}
    if method not in route.methods.split():
        return {"absent"}
    return {"served"}


def test_every_url_pattern_has_a_policy_row_with_its_methods() -> None:
    patterns = url_patterns()
    assert sorted(set(patterns) - set(POLICY)) == [], "URL patterns without a policy row"
    assert sorted(set(POLICY) - set(patterns)) == [], "policy rows without a URL pattern"
    for name, (route, methods) in patterns.items():
        policy = POLICY[name]
        if policy.kind in ("scoped", "scoped_write", "me"):
            assert methods == set(policy.methods.split()), (name, route, methods)
            kwargs = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
            assert kwargs == set(policy.ids), (name, route, kwargs)


def test_seeded_roles_grant_what_the_policy_says() -> None:
    world = build_world()
    for slug, scopes in ROLE_SCOPES.items():
        assert user_scopes(user=world.users[f"role:{slug}"]) == scopes, slug
    assert user_scopes(user=world.users["customer"]) == frozenset()
    assert user_scopes(user=world.users["staff"]) == frozenset()


@override_settings(
    API_KEY_RATE_LIMIT=UNLIMITED, API_USER_RATE_LIMIT=UNLIMITED, API_ANON_RATE_LIMIT=UNLIMITED
)
def test_authorization_matrix_default_deny() -> None:
    world = build_world(api_key_scopes=SCOPES)
    patterns = url_patterns()
    report = AttackReport("authorization_matrix")
    cells = 0
    outcomes: Counter[str] = Counter()
    for identity in identities():
        client = client_for(world, identity)
        for name in sorted(patterns):
            route = POLICY[name]
            url = reverse(name, kwargs={key: world.ids[row] for key, row in route.ids.items()})
            for method in METHODS:
                cells += 1
                with transaction.atomic():
                    response = getattr(client, method.lower())(url, WRITE_BODY, format="json")
                    transaction.set_rollback(True)
                got = outcome(response.status_code)
                outcomes[got] += 1
                allowed = expected(route, method, identity)
                report.tried(
                    f"{identity} {method} {name}",
                    got_through=got not in allowed,
                    status=response.status_code,
                    expected=sorted(allowed),
                    url=url,
                )
    routes, identity_count = len(patterns), len(identities())
    assert cells == routes * len(METHODS) * identity_count
    print(f"[matrix] {routes} routes x {len(METHODS)} methods x {identity_count} identities")
    print(f"[matrix] outcomes: {dict(sorted(outcomes.items()))}")
    # Every kind of cell occurs: the matrix is not all-deny (nor all-allow).
    assert set(outcomes) == {"served", "denied", "hidden", "absent"}, outcomes
    report.assert_none_got_through()


def test_world_ids_of_me_routes_belong_to_someone_else() -> None:
    """The /me cells above only mean something if their ids are the other customer's rows."""
    world: World = build_world()
    victim = world.rows["customer"]
    assert world.rows["address"].customer_id == victim.pk
    assert world.rows["order"].customer_id == victim.pk
    assert world.rows["gdpr_request"].customer_id == victim.pk
    assert world.rows["company_location"].company_id == world.rows["company"].pk
    assert world.users["customer"].customer_id == world.rows["attacker_customer"].pk
