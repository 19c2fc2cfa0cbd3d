"""Markets (selling to a group of countries with their own currency and language) and their
regions (one country each)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.models import (
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    currency_constraint,
    currency_field,
)

from .choices import MarketStatus

LOCAL = Q(shopify_id__isnull=True)
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COUNTRY_CODE_PATTERN = r"^[A-Z]{2}$"
# BCP 47 as Shopify uses it: "en", "fr-CA", "es-419", "zh-Hant-TW".
LOCALE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
HANDLE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Something other than blanks.
PRESENT_PATTERN = r"\S"


def default_currency_settings() -> dict[str, Any]:
    return {"base_currency": "USD", "local_currencies": False}


class Market(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A group of countries sold to with one base currency, language and web presence."""

    name = models.CharField(max_length=255)
    handle = models.CharField(max_length=255)
    primary_locale = models.CharField(max_length=16, default="en")
    web_presence_id = models.CharField(
        max_length=255, blank=True, help_text="Shopify MarketWebPresence id (domain/subfolder)."
    )
    # {"base_currency": "EUR", "local_currencies": true}: prices in base_currency, or in each
    # region's own currency when local_currencies is on.
    currency_settings = models.JSONField(default=default_currency_settings, blank=True)
    status = models.CharField(
        max_length=16, choices=MarketStatus.choices, default=MarketStatus.ACTIVE
    )
    # Shopify's older flag; it says the same as status == active.
    enabled = models.BooleanField(default=True)
    is_primary = models.BooleanField(default=False)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="markets_market_name_idx"),
            models.Index(fields=["primary_locale"], name="markets_market_locale_idx"),
            models.Index(fields=["status"], name="markets_market_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="markets_market_name_ci_unique",
            ),
            models.UniqueConstraint(
                fields=["handle"],
                condition=Q(deleted_at__isnull=True),
                name="markets_market_handle_unique",
            ),
            models.UniqueConstraint(
                fields=["is_primary"],
                condition=Q(is_primary=True, deleted_at__isnull=True),
                name="markets_market_one_primary",
            ),
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="markets_market_name_present"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(handle__regex=HANDLE_PATTERN),
                name="markets_market_handle_format",
            ),
            models.CheckConstraint(
                condition=Q(primary_locale__regex=LOCALE_PATTERN),
                name="markets_market_locale_format",
            ),
            models.CheckConstraint(
                condition=Q(currency_settings__has_key="base_currency")
                & Q(currency_settings__base_currency__regex=CURRENCY_PATTERN),
                name="markets_market_base_currency_iso",
            ),
            choices_constraint("status", MarketStatus, "markets_market_status_valid"),
            models.CheckConstraint(
                condition=Q(enabled=True, status=MarketStatus.ACTIVE)
                | (Q(enabled=False) & ~Q(status=MarketStatus.ACTIVE)),
                name="markets_market_enabled_if_active",
            ),
            models.CheckConstraint(
                condition=Q(is_primary=False) | Q(status=MarketStatus.ACTIVE),
                name="markets_market_primary_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def base_currency(self) -> str:
        return str(self.currency_settings.get("base_currency", ""))

    @property
    def uses_local_currencies(self) -> bool:
        return bool(self.currency_settings.get("local_currencies", False))


class MarketRegion(ShopifyIdentityModel, TimestampedModel):
    """A country of a market. A country belongs to one market at a time."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="regions")
    name = models.CharField(max_length=255, blank=True, help_text="The country's name.")
    country_code = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    currency = currency_field()
    tax_inclusive_pricing = models.BooleanField(default=False)

    class Meta:
        ordering = ["country_code"]
        constraints = [
            # One market per country (Shopify's rule); it implies one row per (market, country).
            models.UniqueConstraint(fields=["country_code"], name="markets_region_country_unique"),
            models.CheckConstraint(
                condition=Q(country_code__regex=COUNTRY_CODE_PATTERN),
                name="markets_region_country_code_iso",
            ),
            currency_constraint("currency", "markets_region_currency_iso4217"),
        ]

    def __str__(self) -> str:
        return self.name or self.country_code

    def clean(self) -> None:
        super().clean()
        # Country-currency validation: without local currencies, a region prices in the
        # market's base currency.
        market = self.market if self.market_id else None
        if (
            market is not None
            and not market.uses_local_currencies
            and market.base_currency
            and self.currency != market.base_currency
        ):
            raise ValidationError(
                {"currency": f"The market prices in {market.base_currency} only."}
            )
