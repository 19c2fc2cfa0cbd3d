"""The GraphQL client against the simulator: pacing by the cost bucket (no THROTTLED), THROTTLED
handled, transient failures retried, the circuit breaker, query errors, bulk downloads."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from shopify import queries
from shopify.choices import CircuitState
from shopify.client import (
    CircuitBreaker,
    CircuitOpenError,
    ShopifyClient,
    ShopifyGraphQLError,
    ShopifyHTTPError,
    ShopifyQueryCostError,
    ShopifyUnavailableError,
)
from shopify.models import ShopifyConnection
from shopify.simulator import Faults, Simulator
from shopify.simulator.server import SimulatorServer

# Cost: 2 + 60 * (1 + 2 + 10 * 1) = 782 requested; about 500 actual for this store.
PRODUCTS = """
query Products($first: Int!) {
  products(first: $first) { nodes { id title variants(first: 10) { nodes { id sku } } } }
}
"""
SHOP = "query Shop { shop { id name } }"


@pytest.fixture
def sim() -> Simulator:
    return Simulator.generate(seed=1, products=60, customers=2, orders=2)


@pytest.fixture
def server(sim: Simulator) -> Iterator[SimulatorServer]:
    running = sim.serve(port=0)
    yield running
    running.stop()


class Sleeps:
    """Records the client's waits instead of sleeping (for tests where time does not matter)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class Clock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self) -> Any:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def _client(sim: Simulator, server: SimulatorServer, **options: Any) -> ShopifyClient:
    return ShopifyClient(
        shop_domain=sim.shop_domain,
        access_token=options.pop("access_token", sim.access_token),
        base_url=server.base_url,
        **options,
    )


def test_pacing_at_100_points_a_second_never_gets_throttled(
    sim: Simulator, server: SimulatorServer
) -> None:
    sim.plan = "standard"  # 100 points/s, a bucket of 2,000
    client = _client(sim, server)

    pages = [client.execute(PRODUCTS, {"first": 60}) for _ in range(5)]

    assert [len(page["products"]["nodes"]) for page in pages] == [60] * 5
    assert sim.stats.cost_points > 2000  # more than the bucket holds
    assert sim.stats.throttled == 0
    assert client.stats.throttled == 0
    assert client.stats.requests == 5
    assert client.stats.cost_points == sim.stats.cost_points
    assert client.stats.wait_seconds > 0
    status = client.stats.last_throttle_status
    assert status is not None
    assert (status.maximum_available, status.restore_rate) == (2000.0, 100.0)


def test_clients_sharing_a_shop_in_threads_share_the_bucket(
    sim: Simulator, server: SimulatorServer
) -> None:
    sim.plan = "standard"
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with _client(sim, server) as client:
                for _ in range(2):
                    client.execute(PRODUCTS, {"first": 60})
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    # Three clients with a bucket model each would each spend the same 2,000 points: three
    # THROTTLED responses on this store. Sharing the model, none.
    assert sim.stats.cost_points > 3000
    assert sim.stats.requests == 6
    assert sim.stats.throttled == 0


def test_throttled_is_waited_out_and_sent_again(sim: Simulator, server: SimulatorServer) -> None:
    sim.plan = "standard"
    sim.bucket.take(int(sim.bucket.available) - 700)  # another app drained the bucket
    client = _client(sim, server)

    page = client.execute(PRODUCTS, {"first": 60})

    assert len(page["products"]["nodes"]) == 60
    assert sim.stats.throttled == 1
    assert client.stats.throttled == 1
    assert client.stats.requests == 2
    assert client.stats.retries == 0
    # it waited for the ~82 missing points at 100 points/s, not a blind backoff
    assert 0.7 <= client.stats.wait_seconds <= 1.5


def test_errors_and_timeouts_are_retried_until_the_request_succeeds(
    sim: Simulator, server: SimulatorServer
) -> None:
    sim.faults = Faults(seed=7, error_rate=0.25, timeout_rate=0.1, timeout_seconds=1.0)
    sleeps = Sleeps()
    client = _client(sim, server, timeout=0.3, sleep=sleeps, rng=random.Random(1))

    shops = [client.execute(SHOP) for _ in range(20)]

    assert {shop["shop"]["id"] for shop in shops} == {shops[0]["shop"]["id"]}
    injected = sim.stats.errors_injected + sim.stats.timeouts_injected
    assert injected > 0
    assert sim.stats.timeouts_injected > 0
    assert client.stats.retries == injected
    assert client.stats.requests == 20 + injected
    assert len(sleeps.calls) == injected
    assert all(0 <= seconds <= 30 for seconds in sleeps.calls)
    assert client.stats.backoff_seconds == pytest.approx(sum(sleeps.calls))


def test_backoff_is_exponential_with_full_jitter_and_gives_up_after_six_attempts(
    sim: Simulator, server: SimulatorServer
) -> None:
    sim.faults = Faults(seed=1, error_rate=1.0)
    sleeps = Sleeps()
    client = _client(sim, server, sleep=sleeps, rng=random.Random(5))

    with pytest.raises(ShopifyUnavailableError, match=r"after 6 attempts \(HTTP 50[23]\)"):
        client.execute(SHOP)

    assert sim.stats.requests == 6
    assert client.stats.retries == 5
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(sleeps.calls) == 5
    assert all(0 <= s <= c for s, c in zip(sleeps.calls, ceilings, strict=True))
    expected = random.Random(5)
    assert sleeps.calls == [expected.uniform(0, c) for c in ceilings]


@pytest.mark.django_db
def test_the_circuit_opens_after_five_failed_requests_and_stops_sending(
    sim: Simulator, server: SimulatorServer
) -> None:
    connection = ShopifyConnection.objects.create(shop_domain=sim.shop_domain)
    clock = Clock()
    breaker = CircuitBreaker(shop_domain=sim.shop_domain, connection=connection, now=clock)
    sim.faults = Faults(seed=2, error_rate=1.0)
    client = _client(sim, server, sleep=Sleeps(), breaker=breaker)

    for _ in range(5):
        with pytest.raises(ShopifyUnavailableError):
            client.execute(SHOP)
    with pytest.raises(CircuitOpenError) as raised:
        client.execute(SHOP)

    assert sim.stats.requests == 5 * 6  # the sixth call sent nothing
    assert raised.value.until == clock.moment + timedelta(seconds=60)
    assert f"circuit open for {sim.shop_domain}: no requests until " in str(raised.value)
    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.OPEN
    assert connection.consecutive_failures == 5
    assert connection.circuit_opened_at == clock.moment
    assert connection.last_error.startswith(
        f"{sim.shop_domain}: request failed after 6 attempts (HTTP 50"
    )

    # half open after the cool-down: one probe; the shop is back, so the circuit closes
    sim.faults = Faults()
    clock.advance(60)
    assert client.execute(SHOP)["shop"]["id"].startswith("gid://shopify/Shop/")
    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.CLOSED
    assert connection.consecutive_failures == 0
    assert connection.last_success_at == clock.moment
    assert sim.stats.requests == 5 * 6 + 1


@pytest.mark.django_db
def test_the_client_for_a_connection_uses_settings_and_its_persisted_breaker(
    sim: Simulator, server: SimulatorServer, settings: Any
) -> None:
    settings.SHOPIFY_API_BASE_URL = server.base_url
    settings.SHOPIFY_ACCESS_TOKEN = sim.access_token
    connection = ShopifyConnection.objects.create(
        shop_domain=sim.shop_domain,
        circuit_state=CircuitState.OPEN,
        circuit_opened_at=timezone.now(),
    )

    with ShopifyClient.for_connection(connection) as client:
        assert client.endpoint == f"{server.base_url}/admin/api/2026-10/graphql.json"
        with pytest.raises(CircuitOpenError):
            client.execute(SHOP)
    assert sim.stats.requests == 0

    ShopifyConnection.objects.filter(pk=connection.pk).update(circuit_state=CircuitState.CLOSED)
    with ShopifyClient.for_connection(connection) as client:
        assert client.execute(SHOP)["shop"]["name"]
    assert sim.stats.requests == 1


def test_a_query_over_the_cost_limit_is_not_retried(
    sim: Simulator, server: SimulatorServer
) -> None:
    client = _client(sim, server)

    with pytest.raises(ShopifyQueryCostError) as raised:
        client.execute(PRODUCTS, {"first": 250})

    assert raised.value.requested_cost == 2 + 250 * 13
    assert raised.value.codes == ["MAX_COST_EXCEEDED"]
    assert "exceeds the 1000-point limit" in str(raised.value)
    assert client.stats.requests == 1
    assert client.stats.retries == 0


def test_an_invalid_document_raises_the_graphql_errors_without_retrying(
    sim: Simulator, server: SimulatorServer
) -> None:
    client = _client(sim, server)

    with pytest.raises(ShopifyGraphQLError, match="notAField") as raised:
        client.execute("query { shop { notAField } }")

    assert len(raised.value.errors) == 1
    assert client.stats.requests == 1
    assert client.stats.retries == 0


def test_a_refused_token_is_an_http_error_without_retrying(
    sim: Simulator, server: SimulatorServer
) -> None:
    client = _client(sim, server, access_token="shpat_wrong")

    with pytest.raises(ShopifyHTTPError) as raised:
        client.execute(SHOP)

    assert raised.value.status_code == 401
    assert sim.stats.unauthorized == 1
    assert client.stats.retries == 0
    assert client.breaker.state == CircuitState.CLOSED


def test_stats_since_a_copy_count_one_stretch_of_work(
    sim: Simulator, server: SimulatorServer
) -> None:
    client = _client(sim, server)
    client.execute(SHOP)
    before = client.stats.copy()

    client.execute(SHOP)
    client.execute(SHOP)

    delta = client.stats.since(before)
    assert (delta.requests, delta.retries, delta.throttled) == (2, 0, 0)
    assert delta.cost_points == 2


# --- bulk downloads --------------------------------------------------------------------------


def _bulk_url(client: ShopifyClient, sim: Simulator) -> tuple[str, int]:
    started = client.execute(queries.BULK_RUN, {"query": queries.bulk_query(queries.BULK_PRODUCTS)})
    operation = started["bulkOperationRunQuery"]["bulkOperation"]
    sim.bulk.wait()
    status = client.execute(queries.BULK_STATUS, {"id": operation["id"]})["node"]
    assert status["status"] == "COMPLETED"
    return status["url"], int(status["objectCount"])


def test_iter_lines_streams_a_bulk_result(sim: Simulator, server: SimulatorServer) -> None:
    client = _client(sim, server)
    url, object_count = _bulk_url(client, sim)

    lines = list(client.iter_lines(url))

    assert len(lines) == object_count
    assert all(isinstance(json.loads(line)["id"], str) for line in lines)


class _FlakyFile(BaseHTTPRequestHandler):
    """A file host (like the storage bucket bulk results live in) whose first download drops
    halfway, then honours Range."""

    protocol_version = "HTTP/1.1"
    content = b"".join(b'{"id": "gid://shopify/Product/%d"}\n' % i for i in range(5000))
    requests: list[str | None] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        header = self.headers.get("Range")
        type(self).requests.append(header)
        start = int(header.removeprefix("bytes=").rstrip("-")) if header else 0
        body = self.content[start:]
        self.send_response(206 if header else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if header is None:
            self.wfile.write(body[: len(body) // 2 + 5])  # then the connection drops
            self.close_connection = True
            return
        self.wfile.write(body)


def test_iter_lines_resumes_a_dropped_download_from_the_last_complete_line() -> None:
    _FlakyFile.requests = []
    host = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyFile)
    thread = threading.Thread(target=host.serve_forever, daemon=True)
    thread.start()
    try:
        client = ShopifyClient(shop_domain="x.myshopify.com", access_token="unused", sleep=Sleeps())
        lines = list(client.iter_lines(f"http://127.0.0.1:{host.server_port}/result.jsonl"))
    finally:
        host.shutdown()
        host.server_close()

    assert lines == _FlakyFile.content.splitlines()
    assert len(_FlakyFile.requests) == 2
    assert _FlakyFile.requests[0] is None
    resumed_at = int(str(_FlakyFile.requests[1]).removeprefix("bytes=").rstrip("-"))
    assert _FlakyFile.content[resumed_at - 1 : resumed_at] == b"\n"
    assert resumed_at > 0
    assert client.stats.retries == 1
