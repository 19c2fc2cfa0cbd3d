"""Enums of the markets app."""

from django.db import models


class MarketStatus(models.TextChoices):
    ACTIVE = "active", "active"
    DRAFT = "draft", "draft"
    INACTIVE = "inactive", "inactive"
