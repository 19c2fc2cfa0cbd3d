"""The Shopify Admin GraphQL client: paced by the cost bucket, retrying transient failures, guarded
by a circuit breaker.

Pacing: every response carries `extensions.cost.throttleStatus` (the bucket's size, what is left
and how fast it refills). The client keeps a model of that bucket and, before each request, sleeps
until the bucket holds the request's expected cost: the `requestedQueryCost` last seen for the same
document with the same numeric variables or, for a document never sent, the cost Shopify's published
rules give it (`shopify.query_cost`; 1,000 points, the most one query may cost, if it does not
parse). Clients of one shop in one process share the bucket model, and a request reserves its cost
until its answer arrives. So no request is wasted on THROTTLED; when other processes share the
bucket and one still comes back THROTTLED, the client waits for the missing points (the requested
cost less what is available, at the restore rate) and sends it again.

Retries: 429, 5xx, timeouts and connection errors are retried with exponential backoff and full
jitter (base 0.5 s, cap 30 s, at most 6 attempts, `Retry-After` honoured). A request that still
fails counts as one failure for the circuit breaker; after `failure_threshold` consecutive failures
the circuit opens for `cooldown_seconds`, then lets one probe through (half open). The breaker's
state lives on the `ShopifyConnection` row when there is one, so every worker process sees it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings
from django.utils import timezone

from .choices import CircuitState
from .connection import (
    CircuitSnapshot,
    ShopifyOAuthError,
    connection_access_token,
    connection_circuit_probe,
    connection_circuit_read,
    connection_record_failure,
    connection_record_success,
    connection_token_reload,
)
from .query_cost import ThrottleStatus, query_cost_estimate, shared_bucket

if TYPE_CHECKING:
    from .models import ShopifyConnection

MAX_QUERY_COST = 1000
MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 30.0
MAX_THROTTLED_RETRIES = 20
RETRYABLE_GRAPHQL_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"})
_DOWNLOAD_CHUNK_BYTES = 64 * 1024


# --- errors --------------------------------------------------------------------------------------


class ShopifyError(Exception):
    """Base of every error the client raises."""


class ShopifyGraphQLError(ShopifyError):
    """Shopify answered with GraphQL errors that sending the request again would not fix."""

    def __init__(self, errors: list[dict[str, Any]], *, message: str | None = None) -> None:
        self.errors = errors
        self.codes = [str((e.get("extensions") or {}).get("code", "")) for e in errors]
        text = message or "; ".join(str(e.get("message", e)) for e in errors)
        super().__init__(f"Shopify GraphQL error: {text}")


class ShopifyQueryCostError(ShopifyGraphQLError):
    """MAX_COST_EXCEEDED: the query may cost more than Shopify allows for one request."""

    def __init__(self, errors: list[dict[str, Any]], *, requested_cost: int | None) -> None:
        cost = f"{requested_cost} points" if requested_cost is not None else "too many points"
        super().__init__(
            errors,
            message=(
                f"query cost {cost} exceeds the {MAX_QUERY_COST}-point limit of a single "
                "request; ask for smaller pages (lower `first`) or fewer nested connections"
            ),
        )
        self.requested_cost = requested_cost


class ShopifyHTTPError(ShopifyError):
    """Shopify answered with a 4xx status other than 429 (not retried)."""

    def __init__(self, *, status_code: int, body: str, url: str) -> None:
        self.status_code = status_code
        self.body = body
        super().__init__(f"Shopify answered HTTP {status_code} for {url}: {body[:300]}")


class ShopifyTokenError(ShopifyError):
    """The expiring token could not be refreshed (the refresh token was refused or revoked)."""


class ShopifyUnavailableError(ShopifyError):
    """The request still failed (5xx, 429, timeout or connection error) after every retry."""


class CircuitOpenError(ShopifyError):
    """The circuit is open for this shop: no request is sent until `until`."""

    def __init__(self, *, shop_domain: str, until: datetime, last_error: str) -> None:
        self.shop_domain = shop_domain
        self.until = until
        self.last_error = last_error
        detail = f" (last error: {last_error})" if last_error else ""
        super().__init__(
            f"circuit open for {shop_domain}: no requests until {until.isoformat()}{detail}"
        )


class _RetryableError(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


# --- statistics --------------------------------------------------------------


@dataclass
class ClientStats:
    """What the client did. `wait_seconds` is time spent waiting for the cost bucket (pacing and
    THROTTLED); `backoff_seconds` is time spent between retries of failed requests."""

    requests: int = 0
    throttled: int = 0
    retries: int = 0
    cost_points: int = 0
    wait_seconds: float = 0.0
    backoff_seconds: float = 0.0
    last_throttle_status: ThrottleStatus | None = None

    def copy(self) -> ClientStats:
        return replace(self)

    def since(self, earlier: ClientStats) -> ClientStats:
        """The work done between `earlier` (a `copy()`) and now."""
        return ClientStats(
            requests=self.requests - earlier.requests,
            throttled=self.throttled - earlier.throttled,
            retries=self.retries - earlier.retries,
            cost_points=self.cost_points - earlier.cost_points,
            wait_seconds=self.wait_seconds - earlier.wait_seconds,
            backoff_seconds=self.backoff_seconds - earlier.backoff_seconds,
            last_throttle_status=self.last_throttle_status,
        )


# --- the circuit breaker -------------------------------------------------------------------------


@dataclass
class _MemoryCircuit:
    state: str = CircuitState.CLOSED
    opened_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str = ""


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failed requests, stays open `cooldown_seconds`,
    then lets one probe through (half open): its success closes the circuit, its failure opens it
    again. With a `connection` the state is read from and written to its row (visible to every
    process and in the admin); without one it lives in this object."""

    def __init__(
        self,
        *,
        shop_domain: str,
        connection: ShopifyConnection | None = None,
        failure_threshold: int = 5,
        cooldown_seconds: float = 60.0,
        now: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.shop_domain = shop_domain
        self.connection = connection
        self.failure_threshold = failure_threshold
        self.cooldown = timedelta(seconds=cooldown_seconds)
        self.now = now
        self._memory = _MemoryCircuit()
        self._probing = False
        self._snapshot: CircuitSnapshot | None = None

    @property
    def state(self) -> str:
        if self.connection is None:
            return self._memory.state
        return connection_circuit_read(connection=self.connection).state

    def before_request(self) -> None:
        """Raise CircuitOpenError unless a request may be sent now."""
        now = self.now()
        if self.connection is None:
            circuit = self._memory
            state, opened_at, last_error = circuit.state, circuit.opened_at, circuit.last_error
        else:
            snapshot = self._snapshot = connection_circuit_read(connection=self.connection)
            state, opened_at, last_error = (
                snapshot.state,
                snapshot.opened_at,
                snapshot.last_error,
            )
        if state == CircuitState.CLOSED or self._probing:
            return
        until = (opened_at or now) + self.cooldown
        if now < until:
            raise CircuitOpenError(shop_domain=self.shop_domain, until=until, last_error=last_error)
        # Cool-down over: one probe may go (the first process to claim it).
        if self.connection is None:
            self._memory.state, self._memory.opened_at = CircuitState.HALF_OPEN, now
            claimed = True
        else:
            claimed = connection_circuit_probe(
                connection=self.connection, now=now, cooldown=self.cooldown
            )
        if not claimed:
            raise CircuitOpenError(
                shop_domain=self.shop_domain, until=now + self.cooldown, last_error=last_error
            )
        self._probing = True

    def record_success(self) -> None:
        self._probing = False
        if self.connection is None:
            self._memory = _MemoryCircuit()
            return
        connection_record_success(connection=self.connection, now=self.now(), known=self._snapshot)
        self._snapshot = None

    def record_failure(self, *, error: str) -> None:
        probing, self._probing = self._probing, False
        now = self.now()
        if self.connection is None:
            circuit = self._memory
            circuit.consecutive_failures += 1
            circuit.last_error = error
            if probing or circuit.consecutive_failures >= self.failure_threshold:
                circuit.state, circuit.opened_at = CircuitState.OPEN, now
            return
        self._snapshot = connection_record_failure(
            connection=self.connection,
            error=error,
            now=now,
            threshold=self.failure_threshold,
            probe_failed=probing,
        )


# --- the client ----------------------------------------------------------------------------------


class ShopifyClient:
    """One shop's GraphQL Admin API, with one HTTP connection pool. Not thread-safe: use one
    client per thread or process."""

    def __init__(
        self,
        *,
        shop_domain: str,
        access_token: str,
        api_version: str = "2026-10",
        base_url: str | None = None,
        timeout: float = 30.0,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        token_provider: Callable[[], str] | None = None,
        token_reload: Callable[[], str] | None = None,
    ) -> None:
        self.shop_domain = shop_domain
        self.api_version = api_version
        root = (base_url or f"https://{shop_domain}").rstrip("/")
        self.endpoint = f"{root}/admin/api/{api_version}/graphql.json"
        self.breaker = breaker or CircuitBreaker(shop_domain=shop_domain)
        self.stats = ClientStats()
        self.bucket = shared_bucket(self.endpoint)
        self._access_token = access_token
        self._token_provider = token_provider
        self._token_reload = token_reload
        self._sent_token = access_token
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._costs: dict[tuple[str, str], float] = {}
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json"},
        )

    @classmethod
    def for_connection(cls, connection: ShopifyConnection, **options: Any) -> ShopifyClient:
        """A client for a stored connection: host from SHOPIFY_API_BASE_URL (when set), the token
        from the connection (refreshed before it lapses) or the environment, the circuit breaker
        persisted on the connection row."""
        options.setdefault("base_url", settings.SHOPIFY_API_BASE_URL or None)
        options.setdefault(
            "breaker", CircuitBreaker(shop_domain=connection.shop_domain, connection=connection)
        )
        return cls(
            shop_domain=connection.shop_domain,
            access_token=connection_access_token(connection=connection),
            api_version=connection.api_version,
            token_provider=lambda: connection_access_token(connection=connection),
            token_reload=lambda: connection_token_reload(connection=connection),
            **options,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ShopifyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- GraphQL ---------------------------------------------------------------------------------

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one GraphQL document and return its `data`."""
        variables = variables or {}
        cost_key = (query, _cost_shape(variables))
        self.breaker.before_request()
        throttled = 0
        reloaded = False
        while True:
            reserved = self._pace(self._expected_cost(cost_key, query, variables))
            try:
                body = self._post_with_retries({"query": query, "variables": variables})
            except BaseException as error:
                self.bucket.settle(reserved, None, at=self._clock())  # never leak a reservation
                if isinstance(error, ShopifyUnavailableError | ShopifyHTTPError):
                    if self._token_rotated(error, reloaded=reloaded):
                        reloaded = True
                        continue
                    self.breaker.record_failure(error=str(error))
                raise
            self.bucket.settle(
                reserved, ThrottleStatus.from_extensions(body.get("extensions")), at=self._clock()
            )
            self.breaker.record_success()
            extensions = body.get("extensions") or {}
            cost = extensions.get("cost") or {}
            if "requestedQueryCost" in cost and cost["requestedQueryCost"] is not None:
                self._costs[cost_key] = float(cost["requestedQueryCost"])
            if cost.get("actualQueryCost") is not None:
                self.stats.cost_points += int(cost["actualQueryCost"])
            errors = body.get("errors") or []
            codes = {str((e.get("extensions") or {}).get("code", "")) for e in errors}
            if "THROTTLED" in codes:
                throttled += 1
                self.stats.throttled += 1
                if throttled > MAX_THROTTLED_RETRIES:
                    raise ShopifyUnavailableError(
                        f"{self.shop_domain}: still THROTTLED after {throttled} waits"
                    )
                if self.bucket.status is None:
                    self._wait(1.0)
                continue  # _pace() now waits for the points this document is known to need
            if "MAX_COST_EXCEEDED" in codes:
                raise ShopifyQueryCostError(errors, requested_cost=_requested_cost(cost, errors))
            if errors:
                raise ShopifyGraphQLError(errors)
            data = body.get("data")
            if not isinstance(data, dict):
                raise ShopifyGraphQLError([{"message": "response without data"}])
            return data

    def _token_rotated(self, error: ShopifyError, *, reloaded: bool) -> bool:
        """After a 401, once: has another process stored a new token since this one was read?"""
        if reloaded or self._token_reload is None:
            return False
        if not isinstance(error, ShopifyHTTPError) or error.status_code != 401:
            return False
        try:
            return self._token_reload() != self._sent_token
        except ShopifyOAuthError:
            return False

    def _expected_cost(
        self, cost_key: tuple[str, str], query: str, variables: dict[str, Any]
    ) -> float | None:
        """The requestedQueryCost Shopify reported for this document and page size, else the
        cost its published rules give the document."""
        known = self._costs.get(cost_key)
        if known is not None:
            return known
        estimate = query_cost_estimate(query, variables)
        # Over 1,000 Shopify refuses the query without charging it: never wait for more.
        return None if estimate is None else float(min(estimate, MAX_QUERY_COST))

    def _pace(self, estimated_cost: float | None) -> float:
        """Wait until the bucket holds the request's expected cost; return the points reserved
        (for a document never sent, the most one query may cost)."""
        cost = float(MAX_QUERY_COST) if estimated_cost is None else estimated_cost
        while True:
            wait = self.bucket.reserve(cost, at=self._clock())
            if wait <= 0:
                return cost
            self._wait(wait)

    def _wait(self, seconds: float) -> None:
        self.stats.wait_seconds += seconds
        self._sleep(seconds)

    def _post_with_retries(self, payload: dict[str, Any]) -> dict[str, Any]:
        content = json.dumps(payload).encode()
        last_reason = ""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                self.stats.retries += 1
            try:
                return self._post_once(content)
            except _RetryableError as error:
                last_reason = error.reason
                if attempt + 1 < MAX_ATTEMPTS:
                    self._backoff(attempt, retry_after=error.retry_after)
        raise ShopifyUnavailableError(
            f"{self.shop_domain}: request failed after {MAX_ATTEMPTS} attempts ({last_reason})"
        )

    def _post_once(self, content: bytes) -> dict[str, Any]:
        token = self._current_token()
        self._sent_token = token
        headers = {"Content-Type": "application/json", "X-Shopify-Access-Token": token}
        self.stats.requests += 1
        try:
            response = self._http.post(self.endpoint, content=content, headers=headers)
        except httpx.TimeoutException as error:
            raise _RetryableError(f"timeout: {type(error).__name__}") from error
        except httpx.TransportError as error:
            raise _RetryableError(f"connection error: {error!r}") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise _RetryableError(
                f"HTTP {response.status_code}", retry_after=_retry_after(response)
            )
        if response.status_code >= 400:
            raise ShopifyHTTPError(
                status_code=response.status_code, body=response.text, url=self.endpoint
            )
        try:
            body = response.json()
        except ValueError as error:
            raise _RetryableError("response is not JSON") from error
        if not isinstance(body, dict):
            raise _RetryableError("response is not a JSON object")
        status = ThrottleStatus.from_extensions(body.get("extensions"))
        if status is not None:
            self.stats.last_throttle_status = status
        errors = body.get("errors") or []
        if body.get("data") is None and any(
            (e.get("extensions") or {}).get("code") in RETRYABLE_GRAPHQL_CODES for e in errors
        ):
            raise _RetryableError(f"GraphQL {errors[0].get('message', 'internal error')}")
        return body

    def _current_token(self) -> str:
        if self._token_provider is None:
            return self._access_token
        try:
            return self._token_provider()
        except ShopifyOAuthError as error:
            raise ShopifyTokenError(f"{self.shop_domain}: {error}") from error

    def _backoff(self, attempt: int, *, retry_after: float | None) -> None:
        ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
        seconds = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            seconds = max(seconds, min(retry_after, BACKOFF_CAP_SECONDS))
        self.stats.backoff_seconds += seconds
        self._sleep(seconds)

    # --- bulk result files -----------------------------------------------------------------------

    def iter_lines(self, url: str) -> Iterator[bytes]:
        """Stream a bulk operation's JSONL result, one line (without its newline) at a time.
        A download that drops is resumed from the last complete line with a Range request (or,
        when the server ignores Range, by skipping what was already read). The URL is signed:
        no access token is sent with it."""
        offset = 0  # bytes of complete lines already yielded
        failures = 0
        while True:
            headers = {"Accept-Encoding": "identity"}  # byte offsets are offsets in the file
            if offset:
                headers["Range"] = f"bytes={offset}-"
            self.stats.requests += 1
            try:
                with self._http.stream("GET", url, headers=headers) as response:
                    if response.status_code == 416:  # nothing left after `offset`
                        return
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _RetryableError(
                            f"HTTP {response.status_code}", retry_after=_retry_after(response)
                        )
                    if response.status_code >= 400:
                        response.read()
                        raise ShopifyHTTPError(
                            status_code=response.status_code, body=response.text, url=url
                        )
                    skip = offset if response.status_code != 206 else 0
                    buffer = b""
                    for chunk in response.iter_bytes(_DOWNLOAD_CHUNK_BYTES):
                        if skip:
                            dropped = min(skip, len(chunk))
                            chunk, skip = chunk[dropped:], skip - dropped
                            if not chunk:
                                continue
                        buffer += chunk
                        *lines, buffer = buffer.split(b"\n")
                        for line in lines:
                            offset += len(line) + 1
                            failures = 0
                            if line.strip():
                                yield line.rstrip(b"\r")
                    if skip:
                        raise _RetryableError("download ended before the resume offset")
                    if buffer.strip():
                        yield buffer.rstrip(b"\r")
                    return
            except (httpx.TimeoutException, httpx.TransportError) as error:
                reason = f"download interrupted: {type(error).__name__}"
                retry_after = None
            except _RetryableError as error:
                reason, retry_after = error.reason, error.retry_after
            failures += 1
            if failures >= MAX_ATTEMPTS:
                raise ShopifyUnavailableError(
                    f"{url}: download failed after {MAX_ATTEMPTS} attempts ({reason})"
                )
            self.stats.retries += 1
            self._backoff(failures - 1, retry_after=retry_after)


def _cost_shape(variables: dict[str, Any]) -> str:
    """The variables that decide a document's cost: page sizes and other numbers (cursors and
    search strings do not change what a page may cost)."""
    numbers = {k: v for k, v in variables.items() if isinstance(v, int | float)}
    sizes = {k: len(v) for k, v in variables.items() if isinstance(v, list)}
    return json.dumps([numbers, sizes], sort_keys=True)


def _requested_cost(cost: dict[str, Any], errors: list[dict[str, Any]]) -> int | None:
    """What a refused query would have cost: `extensions.cost` or, as Shopify sends it with
    MAX_COST_EXCEEDED, the error's own `extensions.cost`."""
    if cost.get("requestedQueryCost") is not None:
        return int(cost["requestedQueryCost"])
    for error in errors:
        value = (error.get("extensions") or {}).get("cost")
        if isinstance(value, int | float):
            return int(value)
    return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
