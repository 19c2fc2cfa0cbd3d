"""The simulator's HTTP face: a threaded server on loopback (or any host) in a background thread.

Routes:
- `POST /admin/api/{version}/graphql.json` — the Admin GraphQL API (`X-Shopify-Access-Token`).
- `GET /bulk/{id}.jsonl` — bulk operation results (the URL in `BulkOperation.url`), streamed.
- `GET /admin/oauth/authorize` — the install grant: 302 to `redirect_uri` with code, hmac, host,
  shop, state, timestamp.
- `POST /admin/oauth/access_token` — code (or refresh token) for an access token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from shopify.simulator.api import handle_graphql

if TYPE_CHECKING:
    from shopify.simulator.simulator import Simulator

logger = logging.getLogger(__name__)
GRAPHQL_PATH = re.compile(r"^/admin/api/(?P<version>[^/]+)/graphql\.json$")
SUPPORTED_VERSION = re.compile(r"^(20\d\d-(01|04|07|10)|unstable)$")
BULK_PATH = re.compile(r"^/bulk/(?P<id>\d+)\.jsonl$")
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
ACCESS_TOKEN_SECONDS = 3600
REFRESH_TOKEN_SECONDS = 90 * 24 * 3600
CHUNK = 1 << 16


def oauth_hmac(secret: str, params: dict[str, str]) -> str:
    """Shopify's OAuth query HMAC: hex HMAC-SHA256 of the sorted `k=v&…` string without hmac."""
    message = "&".join(f"{key}={params[key]}" for key in sorted(params) if key != "hmac")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the simulator counts requests in `Simulator.stats` instead."""

    @property
    def simulator(self) -> Simulator:
        return self.server.simulator

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, separators=(",", ":")).encode())

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        match = GRAPHQL_PATH.match(path)
        body = self._body()
        if match:
            self._graphql(match["version"], body)
        elif path == "/admin/oauth/access_token":
            self._access_token(body)
        else:
            self._json(404, {"errors": "Not Found"})

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        bulk = BULK_PATH.match(split.path)
        if bulk:
            self._bulk_file(int(bulk["id"]))
        elif split.path == "/admin/oauth/authorize":
            self._authorize(dict(parse_qsl(split.query)))
        else:
            self._json(404, {"errors": "Not Found"})

    # --- GraphQL ---------------------------------------------------------------------------

    def _graphql(self, version: str, body: bytes) -> None:
        simulator = self.simulator
        with simulator.stats.lock:
            simulator.stats.requests += 1
        if not SUPPORTED_VERSION.match(version):
            self._json(404, {"errors": "Not Found"})
            return
        if not simulator.token_valid(self.headers.get("X-Shopify-Access-Token")):
            with simulator.stats.lock:
                simulator.stats.unauthorized += 1
            self._json(401, {"errors": INVALID_TOKEN})
            return
        fault = simulator.faults.draw()
        if fault is not None and fault[0] == "error":
            with simulator.stats.lock:
                simulator.stats.errors_injected += 1
            self._send(
                fault[1], b"<html><body><h1>Service unavailable</h1></body></html>", "text/html"
            )
            return
        if fault is not None:
            with simulator.stats.lock:
                simulator.stats.timeouts_injected += 1
            time.sleep(simulator.faults.timeout_seconds)
            self.close_connection = True
            return
        try:
            response = handle_graphql(simulator, body)
        except Exception as error:  # a simulator bug: answer like Shopify's 500, and say why
            logger.exception("simulator request failed")
            self._json(500, {"errors": [{"message": f"Internal error: {error!r}"}]})
            return
        self._send(
            200,
            json.dumps(response, separators=(",", ":")).encode(),
            headers={"X-Request-Id": secrets.token_hex(8)},
        )

    # --- bulk files ------------------------------------------------------------------------

    def _bulk_file(self, legacy_id: int) -> None:
        path = self.simulator.bulk.file(legacy_id)
        if path is None or not path.exists():
            self._json(404, {"errors": "Not Found"})
            return
        size = path.stat().st_size
        self.send_response(200)
        self.send_header("Content-Type", "application/jsonl")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                self.wfile.write(chunk)

    # --- OAuth -----------------------------------------------------------------------------

    def _authorize(self, params: dict[str, str]) -> None:
        simulator = self.simulator
        redirect_uri = params.get("redirect_uri")
        if params.get("client_id") != simulator.api_key or not redirect_uri:
            self._send(
                400,
                b"Oauth error invalid_request: The client_id or redirect_uri is invalid",
                "text/plain",
            )
            return
        code = secrets.token_hex(16)
        self.server.codes[code] = params.get("scope", "")
        answer = {
            "code": code,
            "host": base64.b64encode(
                f"admin.shopify.com/store/{simulator.shop_domain.split('.')[0]}".encode()
            )
            .decode()
            .rstrip("="),
            "shop": simulator.shop_domain,
            "state": params.get("state", ""),
            "timestamp": str(int(time.time())),
        }
        answer["hmac"] = oauth_hmac(simulator.api_secret, answer)
        separator = "&" if "?" in redirect_uri else "?"
        self.send_response(302)
        self.send_header("Location", f"{redirect_uri}{separator}{urlencode(answer)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _access_token(self, body: bytes) -> None:
        simulator = self.simulator
        content_type = self.headers.get("Content-Type", "")
        try:
            params: dict[str, Any] = (
                json.loads(body or b"{}")
                if "json" in content_type
                else dict(parse_qsl(body.decode()))
            )
        except ValueError:
            self._json(400, {"error": "invalid_request", "error_description": "Malformed body"})
            return
        if (
            params.get("client_id") != simulator.api_key
            or params.get("client_secret") != simulator.api_secret
        ):
            self._json(
                401,
                {"error": "invalid_client", "error_description": "Client credentials are invalid"},
            )
            return
        if params.get("grant_type") == "refresh_token":
            scope = self.server.refresh_tokens.pop(str(params.get("refresh_token")), None)
            if scope is None:
                self._json(
                    400, {"error": "invalid_grant", "error_description": "Refresh token is invalid"}
                )
                return
            self._json(200, self._token(scope, expiring=True))
            return
        scope = self.server.codes.pop(str(params.get("code")), None)
        if scope is None:
            self._json(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "The authorization code was not found or was already used",
                },
            )
            return
        expiring = str(params.get("expiring", "0")) == "1"
        self._json(200, self._token(scope, expiring=expiring))

    def _token(self, scope: str, *, expiring: bool) -> dict[str, Any]:
        simulator = self.simulator
        token = f"shpat_{secrets.token_hex(16)}"
        answer: dict[str, Any] = {"access_token": token, "scope": scope}
        if expiring:
            simulator.tokens[token] = time.time() + ACCESS_TOKEN_SECONDS
            refresh = f"shprt_{secrets.token_hex(16)}"
            self.server.refresh_tokens[refresh] = scope
            answer.update(
                expires_in=ACCESS_TOKEN_SECONDS,
                refresh_token=refresh,
                refresh_token_expires_in=REFRESH_TOKEN_SECONDS,
            )
        else:
            simulator.tokens[token] = None
        return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, simulator: Simulator, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.simulator = simulator
        self.codes: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}


class SimulatorServer:
    """A running simulator: `base_url`, `stop()`."""

    def __init__(self, simulator: Simulator, *, host: str, port: int) -> None:
        self.simulator = simulator
        self._server = _Server(simulator, (host, port))
        bound_host, bound_port = self._server.server_address[:2]
        self.host = str(bound_host)
        self.port = int(bound_port)
        self.base_url = f"http://{self.host}:{self.port}"
        self.graphql_url = f"{self.base_url}/admin/api/{simulator.api_version}/graphql.json"
        simulator.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="shopify-simulator", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def wait(self) -> None:
        """Block until the server stops (the management command; Ctrl-C interrupts)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> SimulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
