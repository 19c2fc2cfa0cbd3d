from __future__ import annotations

from rest_framework import serializers

from ..choices import WebhookFormat
from ..models import API_VERSION_REGEX, WebhookDelivery, WebhookSubscription
from ..services import WEBHOOK_TOPICS


def _names() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=100
    )


class WebhookSubscriptionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookSubscription
        fields: tuple[str, ...] = (
            "id",
            "topic",
            "address",
            "format",
            "api_version",
            "fields",
            "metafield_namespaces",
            "private_metafield_namespaces",
            "is_active",
            "created_at",
            "updated_at",
            "admin_graphql_api_id",
            "shopify_id",
        )


class WebhookSubscriptionCreatedOutputSerializer(WebhookSubscriptionOutputSerializer):
    """The create response: the only time the signing secret is shown."""

    class Meta(WebhookSubscriptionOutputSerializer.Meta):
        fields = (*WebhookSubscriptionOutputSerializer.Meta.fields, "secret")


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    topic = serializers.ChoiceField(choices=WEBHOOK_TOPICS)
    address = serializers.URLField(max_length=2048)
    format = serializers.ChoiceField(choices=[WebhookFormat.JSON], required=False)
    api_version = serializers.RegexField(
        API_VERSION_REGEX,
        required=False,
        error_messages={"invalid": "Use a Shopify API version such as 2025-07, or unstable."},
    )
    # Shopify's name for the payload fields; the metaclass moves it out of the class attributes.
    fields = _names()  # type: ignore[assignment]
    metafield_namespaces = _names()
    private_metafield_namespaces = _names()
    is_active = serializers.BooleanField(required=False)

    def validate_address(self, value: str) -> str:
        if not value.startswith("https://"):
            raise serializers.ValidationError("Deliveries go to https:// addresses only.")
        return value


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "webhook_id",
            "topic",
            "shop_domain",
            "api_version",
            "triggered_at",
            "event_id",
            "received_at",
            "payload_digest",
            "hmac_valid",
            "status",
            "attempts",
            "error",
            "processed_at",
        )
