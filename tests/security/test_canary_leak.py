"""Canary leak scan: plant a password, an API key, a JWT, a Shopify token, an e-mail address, a
phone number and a card number through many flows (API create/update/errors, failed logins,
credentials in headers, cookies and query strings, webhooks good and bad, the mirror's database
refusals, a failing Shopify sync, code that logs them outright), capture every log record
emitted (a handler on the root logger at DEBUG, SQL logging on), every response body and
header, and assert that no canary appears anywhere.

Responses may legitimately return the e-mail and phone of a record to whoever may read it; the
scan of responses covers the secrets and the card number everywhere, and the e-mail and phone in
error responses (a failed login or refused request must not echo them)."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_key_create
from core.log_hygiene import redact_record
from customers.models import Customer
from shopify import mirror
from tests.security.report import AttackReport
from tests.shopify.test_mapping_graphql_nodes import customer_node
from tests.shopify.test_mirror import mapped
from webhooks.intake import webhook_signature

pytestmark = pytest.mark.django_db

PASSWORD = "Canary-Pa55word-7c1d9e"
SHOPIFY_TOKEN = "shpat_" + "c4a7" * 8
JWT = (
    base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    + "."
    + base64.urlsafe_b64encode(b'{"user_id":1,"canary":"x7"}').decode().rstrip("=")
    + ".c2lnbmF0dXJlLWNhbmFyeS0xMjM0"
)
EMAIL = "canary.leak.7c1d@example.net"
PHONE = "+16135550199"
PAN = "4111111111111111"
SECRETS = {"password": PASSWORD, "shopify-token": SHOPIFY_TOKEN, "jwt": JWT, "pan": PAN}
PERSONAL = {"email": EMAIL, "phone": PHONE}


def forms(value: str) -> list[str]:
    """The canary as it could appear: itself, JSON-escaped, URL-encoded."""
    return sorted({value, json.dumps(value)[1:-1], value.replace("@", "%40").replace("+", "%2B")})


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> Iterator[tuple[str, str]]:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in self.records:
            yield record.name, formatter.format(record)
            for key, value in vars(record).items():
                if isinstance(value, str) and key not in {"msg", "message"}:
                    yield record.name, value


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    previous_debug_cursor = connection.force_debug_cursor
    connection.force_debug_cursor = True  # every SQL statement and its parameters is logged
    try:
        yield handler
    finally:
        connection.force_debug_cursor = previous_debug_cursor
        root.removeHandler(handler)
        root.setLevel(previous_level)


def test_no_canary_leaks_into_logs_or_responses(
    capture: Capture, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHOPIFY_API_SECRET = "hush"
    report = AttackReport("canary-leak-scan")
    responses: list[tuple[str, Any]] = []
    error_responses: list[tuple[str, Any]] = []

    def record(flow: str, response: Any) -> Any:
        responses.append((flow, response))
        if response.status_code >= 400:
            error_responses.append((flow, response))
        return response

    # A staff user with the canary password, and an API key whose secret is a canary too.
    User.objects.create_user(email=EMAIL, password=PASSWORD, is_staff=True)
    key = api_key_create(name="canary", scopes=["write_customers", "read_customers"])[1]
    SECRETS["api-key"] = key
    api = APIClient(HTTP_X_API_KEY=key)
    anonymous = APIClient()

    # --- API create / update / errors ------------------------------------------------------
    body = {
        "email": EMAIL,
        "phone": PHONE,
        "firstName": "Canary",
        "lastName": "Bird",
        "note": f"card {PAN}",
        "addresses": [{"address1": f"1 {PAN} Way", "city": "Ottawa", "countryCode": "ca"}],
    }
    created = record("api-create", api.post("/api/v1/customers", body, format="json"))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    record("api-duplicate", api.post("/api/v1/customers", body, format="json"))
    record(
        "api-invalid", api.post("/api/v1/customers", {**body, "email": f"x{EMAIL}@"}, format="json")
    )
    record(
        "api-update",
        api.patch(f"/api/v1/customers/{pk}", {"note": f"{PAN} {EMAIL}"}, format="json"),
    )
    record(
        "api-bad-json",
        api.generic("POST", "/api/v1/customers", f'{{"email": "{EMAIL}"', "application/json"),
    )
    record("api-search", api.get("/api/v1/customers", {"email": EMAIL, "token": SHOPIFY_TOKEN}))

    # --- failed logins ---------------------------------------------------------------------
    for attempt in range(3):
        record(
            "login-wrong-password",
            anonymous.post(
                "/api/v1/auth/token",
                {"email": EMAIL, "password": f"{PASSWORD}{attempt}"},
                format="json",
            ),
        )
        record(
            "login-unknown-user",
            anonymous.post(
                "/api/v1/auth/token",
                {"email": f"u{attempt}{EMAIL}", "password": PASSWORD},
                format="json",
            ),
        )
    record(
        "login-refresh-forged",
        anonymous.post("/api/v1/auth/token/refresh", {"refresh": JWT}, format="json"),
    )
    admin = Client()
    record("admin-login", admin.post("/admin/login/", {"username": EMAIL, "password": PASSWORD}))

    # --- credentials in headers, cookies and query strings -----------------------------------
    for flow, client in (
        ("bearer-forged", APIClient(HTTP_AUTHORIZATION=f"Bearer {JWT}")),
        ("api-key-forged", APIClient(HTTP_X_API_KEY=f"{key}x")),
        ("api-key-bearer", APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")),
        (
            "basic",
            APIClient(
                HTTP_AUTHORIZATION="Basic "
                + base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
            ),
        ),
        ("cookie", APIClient(HTTP_COOKIE=f"sessionid={JWT}; csrftoken={SHOPIFY_TOKEN}")),
    ):
        record(flow, client.get("/api/v1/customers"))
        record(flow + "-write", client.post("/api/v1/customers", body, format="json"))
    record(
        "query-token",
        anonymous.get(f"/api/v1/customers?access_token={SHOPIFY_TOKEN}&api_key={key}"),
    )
    record("not-found", anonymous.get(f"/api/v1/nowhere/{EMAIL}/{PAN}"))

    # --- webhooks: bad signature, good signature applied ------------------------------------
    payload = {
        "id": 7700001,
        "email": EMAIL,
        "phone": PHONE,
        "note": f"card {PAN}",
        "first_name": "Canary",
        "admin_graphql_api_id": "gid://shopify/Customer/7700001",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    raw = json.dumps(payload).encode()
    webhook = Client()
    headers = {
        "X-Shopify-Topic": "customers/update",
        "X-Shopify-Shop-Domain": "stockroom-test.myshopify.com",
    }
    record(
        "webhook-bad-signature",
        webhook.post(
            "/webhooks/shopify/",
            data=raw,
            content_type="application/json",
            headers={**headers, "X-Shopify-Webhook-Id": "c-1", "X-Shopify-Hmac-Sha256": JWT},
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        record(
            "webhook-applied",
            webhook.post(
                "/webhooks/shopify/",
                data=raw,
                content_type="application/json",
                headers={
                    **headers,
                    "X-Shopify-Webhook-Id": "c-2",
                    "X-Shopify-Hmac-Sha256": webhook_signature(body=raw, secret=b"hush"),
                },
            ),
        )

    # --- the mirror: a row the database refuses is logged -----------------------------------
    mirror.apply(mapped(customer_node(7700002, default_address=None, addresses=[], email=EMAIL)))

    # --- a Shopify sync that fails (connection refused) with a canary token ------------------
    settings.SHOPIFY_SHOP_DOMAIN = "canary-shop.myshopify.com"
    settings.SHOPIFY_ACCESS_TOKEN = SHOPIFY_TOKEN
    settings.SHOPIFY_API_BASE_URL = "http://127.0.0.1:9"
    from shopify.tasks import shopify_sync_task

    try:
        shopify_sync_task.apply(kwargs={"resources": ["locations"]})
    except Exception as error:  # the failure itself is not under test, its logging is
        logging.getLogger("tests.canary").exception("sync failed: %s", error)

    # --- code that logs secrets outright ----------------------------------------------------
    log = logging.getLogger("tests.canary")
    log.info("login %s password=%s", EMAIL, PASSWORD)
    log.warning("headers: Authorization: Bearer %s, X-API-Key: %s", JWT, key)
    log.warning("shopify token %s for %s, phone %s", SHOPIFY_TOKEN, EMAIL, PHONE)
    log.debug("payload %s", json.dumps({"password": PASSWORD, "card": PAN, "email": EMAIL}))
    log.error("card %s", "4111 1111 1111 1111")
    try:
        raise ValueError(f"could not charge {PAN} for {EMAIL} with {SHOPIFY_TOKEN}")
    except ValueError:
        log.exception("payment failed")
    log.info("cookie: sessionid=%s; csrftoken=%s", JWT, SHOPIFY_TOKEN)
    log.info({"password": PASSWORD, "token": SHOPIFY_TOKEN})  # a non-string message

    # --- the scan ---------------------------------------------------------------------------
    assert Customer.objects.filter(pk=pk).exists()
    canaries = {**SECRETS, **PERSONAL}
    texts = list(capture.texts())
    # The flows above logged (django.request warnings, Celery, the mirror, SQL when another test
    # left the backend logger enabled) and every planted line arrived.
    assert len(capture.records) > 20
    assert sum(record.name == "tests.canary" for record in capture.records) >= 9
    for name, canary in canaries.items():
        for logger_name, text in texts:
            report.tried(
                f"log:{name}",
                got_through=any(form in text for form in forms(canary)),
                logger=logger_name,
                line=text[:300],
            )
    for name, canary in SECRETS.items():
        for flow, response in responses:
            body_text = response.content.decode(errors="replace")
            header_text = "\n".join(f"{k}: {v}" for k, v in response.items())
            report.tried(
                f"response:{flow}:{name}",
                got_through=any(form in body_text + header_text for form in forms(canary)),
                status=response.status_code,
            )
    for name, canary in PERSONAL.items():
        for flow, response in error_responses:
            text = response.content.decode(errors="replace") + str(dict(response.items()))
            report.tried(
                f"error-response:{flow}:{name}",
                got_through=any(form in text for form in forms(canary)),
                status=response.status_code,
                body=text[:300],
            )
    report.assert_none_got_through()


def test_the_redaction_keeps_what_logs_need() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "sync %s took %.1f s at %s (id %s)",
        ("products", 1.25, "2026-12-04 18:02:28", 7654321098765),
        None,
    )
    assert redact_record(record).getMessage() == (
        "sync products took 1.2 s at 2026-12-04 18:02:28 (id 7654321098765)"
    )
