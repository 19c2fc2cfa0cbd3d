"""Make the shop's webhook subscriptions to our address match the topics we handle: create the
missing ones, delete those to our address for topics we do not handle. Subscriptions to other
addresses are left alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopify import queries
from shopify.client import ShopifyClient, ShopifyError
from shopify.connection import connection_get
from shopify.topics import COMPLIANCE_TOPICS, HANDLED_TOPICS, topic_from_enum, topic_to_enum

PAGE_SIZE = 250


@dataclass(frozen=True)
class Subscription:
    id: str
    topic: str  # the GraphQL enum value, e.g. PRODUCTS_UPDATE
    address: str


def subscriptions_list(*, client: ShopifyClient) -> list[Subscription]:
    """Every webhook subscription of the app on the shop, all pages."""
    found: list[Subscription] = []
    after: str | None = None
    while True:
        data = client.execute(queries.WEBHOOK_SUBSCRIPTIONS, {"first": PAGE_SIZE, "after": after})
        connection = data["webhookSubscriptions"]
        for node in connection["nodes"]:
            found.append(Subscription(id=node["id"], topic=node["topic"], address=_address(node)))
        page = connection["pageInfo"]
        if not page["hasNextPage"]:
            return found
        after = page["endCursor"]


def _address(node: dict[str, Any]) -> str:
    if node.get("uri"):
        return str(node["uri"])
    endpoint = node.get("endpoint") or {}
    return str(endpoint.get("callbackUrl") or "")


def _user_errors(payload: dict[str, Any]) -> str:
    return "; ".join(str(error.get("message")) for error in payload.get("userErrors") or [])


def _label(enum_value: str) -> str:
    return topic_from_enum(enum_value) or enum_value


class Command(BaseCommand):
    help = (
        "Create the webhook subscriptions we handle (to --address) and delete those to that "
        "address for topics we do not handle."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--address",
            required=True,
            help="The public https URL of our webhook endpoint, e.g. https://stockroom.example.com"
            "/webhooks/shopify/",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        address: str = options["address"]
        dry_run: bool = options["dry_run"]
        verb = "would " if dry_run else ""
        connection = connection_get()
        with ShopifyClient.for_connection(connection) as client:
            try:
                existing = subscriptions_list(client=client)
                handled = {topic_to_enum(topic) for topic in HANDLED_TOPICS}
                ours = [s for s in existing if s.address == address]
                subscribed = {s.topic for s in ours}
                seen: set[str] = set()
                to_delete: list[Subscription] = []
                for subscription in ours:
                    if subscription.topic not in handled or subscription.topic in seen:
                        to_delete.append(subscription)  # not ours to handle, or a duplicate
                    seen.add(subscription.topic)
                to_create = [t for t in HANDLED_TOPICS if topic_to_enum(t) not in subscribed]

                for topic in to_create:
                    if not dry_run:
                        self._create(client, topic=topic, address=address)
                    self.stdout.write(f"{verb}create {topic} -> {address}")
                for subscription in to_delete:
                    if not dry_run:
                        self._delete(client, subscription=subscription)
                    self.stdout.write(
                        f"{verb}delete {_label(subscription.topic)} ({subscription.id})"
                    )
            except ShopifyError as error:
                raise CommandError(f"{connection.shop_domain}: {error}") from error

        unchanged = len(ours) - len(to_delete)
        others = len(existing) - len(ours)
        self.stdout.write(
            f"{connection.shop_domain}: {verb}create {len(to_create)}, {verb}delete "
            f"{len(to_delete)}, unchanged {unchanged}; {others} subscription(s) to other "
            "addresses left alone"
        )
        self.stdout.write(
            "note: the compliance topics (" + ", ".join(COMPLIANCE_TOPICS) + ") are not "
            "subscribed through the API: set them in the app's shopify.app.toml under "
            "[[webhooks.subscriptions]] compliance_topics = [...], with the same uri."
        )

    def _create(self, client: ShopifyClient, *, topic: str, address: str) -> None:
        data = client.execute(
            queries.WEBHOOK_SUBSCRIPTION_CREATE,
            {
                "topic": topic_to_enum(topic),
                "webhookSubscription": {"uri": address, "format": "JSON"},
            },
        )
        payload = data["webhookSubscriptionCreate"]
        if payload.get("userErrors"):
            raise CommandError(f"creating {topic} failed: {_user_errors(payload)}")

    def _delete(self, client: ShopifyClient, *, subscription: Subscription) -> None:
        data = client.execute(queries.WEBHOOK_SUBSCRIPTION_DELETE, {"id": subscription.id})
        payload = data["webhookSubscriptionDelete"]
        if payload.get("userErrors"):
            raise CommandError(
                f"deleting {_label(subscription.topic)} ({subscription.id}) failed: "
                f"{_user_errors(payload)}"
            )
