"""shopify_webhooks_register against the simulator: the subscriptions to our address end up being
exactly the topics we handle; other addresses are left alone."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from shopify.simulator import Simulator
from shopify.topics import HANDLED_TOPICS, topic_to_enum

pytestmark = pytest.mark.django_db

OURS = "https://stockroom.example.com/webhooks/shopify/"
THEIRS = "https://another-app.example.com/hooks"


@pytest.fixture
def sim() -> Simulator:
    return Simulator.generate(seed=3, products=2, customers=2, orders=2)


@pytest.fixture
def shop(sim: Simulator, settings: Any) -> Iterator[Simulator]:
    server = sim.serve(port=0)
    settings.SHOPIFY_SHOP_DOMAIN = sim.shop_domain
    settings.SHOPIFY_ACCESS_TOKEN = sim.access_token
    settings.SHOPIFY_API_BASE_URL = server.base_url
    yield sim
    server.stop()


def _subscriptions(sim: Simulator) -> set[tuple[str, str]]:
    return {
        (record["topic"], record["callbackUrl"])
        for record in sim.store.records("webhook_subscriptions")
    }


def _run(*args: str) -> str:
    out = StringIO()
    call_command("shopify_webhooks_register", *args, stdout=out)
    return out.getvalue()


def test_creates_every_handled_topic_and_deletes_ours_that_we_do_not_handle(
    shop: Simulator,
) -> None:
    shop.subscribe(topic="PRODUCTS_UPDATE", callback_url=OURS)
    shop.subscribe(topic="ORDERS_EDITED", callback_url=OURS)  # a topic we do not handle
    shop.subscribe(topic="ORDERS_EDITED", callback_url=THEIRS)  # someone else's
    shop.subscribe(topic="PRODUCTS_UPDATE", callback_url=THEIRS)

    output = _run("--address", OURS)

    expected = {(topic_to_enum(topic), OURS) for topic in HANDLED_TOPICS}
    assert _subscriptions(shop) == expected | {
        ("ORDERS_EDITED", THEIRS),
        ("PRODUCTS_UPDATE", THEIRS),
    }
    lines = output.splitlines()
    assert f"create products/create -> {OURS}" in lines
    assert f"create products/update -> {OURS}" not in lines
    assert sum(line.startswith("create ") for line in lines) == len(HANDLED_TOPICS) - 1
    assert [line for line in lines if line.startswith("delete ")] == [
        line for line in lines if line.startswith("delete ORDERS_EDITED (gid://shopify/")
    ]
    assert sum(line.startswith("delete ") for line in lines) == 1
    assert lines[-2] == (
        f"{shop.shop_domain}: create {len(HANDLED_TOPICS) - 1}, delete 1, unchanged 1; "
        "2 subscription(s) to other addresses left alone"
    )
    assert lines[-1].startswith("note: the compliance topics (customers/data_request, ")


def test_a_second_run_changes_nothing(shop: Simulator) -> None:
    _run("--address", OURS)
    before = _subscriptions(shop)

    output = _run("--address", OURS)

    assert _subscriptions(shop) == before
    assert output.splitlines()[0] == (
        f"{shop.shop_domain}: create 0, delete 0, unchanged {len(HANDLED_TOPICS)}; "
        "0 subscription(s) to other addresses left alone"
    )


def test_dry_run_prints_the_plan_and_changes_nothing(shop: Simulator) -> None:
    shop.subscribe(topic="ORDERS_EDITED", callback_url=OURS)

    output = _run("--address", OURS, "--dry-run")

    assert _subscriptions(shop) == {("ORDERS_EDITED", OURS)}
    lines = output.splitlines()
    assert f"would create app/uninstalled -> {OURS}" in lines
    assert sum(line.startswith("would delete ORDERS_EDITED") for line in lines) == 1
    assert lines[-2].startswith(f"{shop.shop_domain}: would create {len(HANDLED_TOPICS)}, ")


def test_every_page_of_subscriptions_is_read(shop: Simulator) -> None:
    # More subscriptions than one page of 250 holds: the unhandled ones on the last page are
    # found and deleted too.
    for index in range(260):
        shop.subscribe(topic="ORDERS_EDITED", callback_url=f"{THEIRS}/{index}")
    shop.subscribe(topic="SHOP_UPDATE", callback_url=OURS)

    _run("--address", OURS)

    ours = {topic for topic, address in _subscriptions(shop) if address == OURS}
    assert ours == {topic_to_enum(topic) for topic in HANDLED_TOPICS}
    assert len(_subscriptions(shop)) == len(HANDLED_TOPICS) + 260


def test_a_shop_that_refuses_the_token_is_a_command_error(shop: Simulator, settings: Any) -> None:
    settings.SHOPIFY_ACCESS_TOKEN = "shpat_not_the_right_one"

    with pytest.raises(CommandError, match="HTTP 401"):
        _run("--address", OURS)
    assert _subscriptions(shop) == set()
