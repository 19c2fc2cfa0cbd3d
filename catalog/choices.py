"""Enums of the catalog app: the seed's values, else Shopify's lower-case REST values."""

from django.db import models


class ProductStatus(models.TextChoices):
    ACTIVE = "active", "active"
    ARCHIVED = "archived", "archived"
    DRAFT = "draft", "draft"
    UNLISTED = "unlisted", "unlisted"  # Shopify 2026-10: sold, but not in listings or search


class PublishedScope(models.TextChoices):
    """Where a product or collection is published (Shopify's `published_scope`)."""

    WEB = "web", "online store only"
    GLOBAL = "global", "all sales channels"


class InventoryPolicy(models.TextChoices):
    """Whether a variant can be sold when it is out of stock."""

    DENY = "deny", "deny"
    CONTINUE = "continue", "continue"


class CollectionType(models.TextChoices):
    CUSTOM = "custom", "custom (manual)"
    SMART = "smart", "smart (rules)"


class CollectionSortOrder(models.TextChoices):
    ALPHA_ASC = "alpha-asc", "alphabetically, A-Z"
    ALPHA_DESC = "alpha-desc", "alphabetically, Z-A"
    BEST_SELLING = "best-selling", "best selling"
    CREATED = "created", "oldest first"
    CREATED_DESC = "created-desc", "newest first"
    MANUAL = "manual", "manual"
    PRICE_ASC = "price-asc", "price, lowest first"
    PRICE_DESC = "price-desc", "price, highest first"
    # GraphQL's CollectionSortOrder.MOST_RELEVANT (no REST value): kept so mirrored rows fit.
    MOST_RELEVANT = "most-relevant", "most relevant"


class CollectionRuleColumn(models.TextChoices):
    """What a smart collection rule looks at (Shopify's CollectionRuleColumn)."""

    TITLE = "title", "product title"
    TYPE = "type", "product type"
    VENDOR = "vendor", "vendor"
    TAG = "tag", "tag"
    VARIANT_PRICE = "variant_price", "variant price"
    VARIANT_COMPARE_AT_PRICE = "variant_compare_at_price", "variant compare-at price"
    VARIANT_WEIGHT = "variant_weight", "variant weight"
    VARIANT_INVENTORY = "variant_inventory", "variant inventory"
    VARIANT_TITLE = "variant_title", "variant title"
    IS_PRICE_REDUCED = "is_price_reduced", "price is reduced"
    PRODUCT_TAXONOMY_NODE_ID = "product_taxonomy_node_id", "product taxonomy node"
    PRODUCT_CATEGORY_ID = "product_category_id", "product category"
    PRODUCT_CATEGORY_ID_WITH_DESCENDANTS = (
        "product_category_id_with_descendants",
        "product category or its descendants",
    )
    PRODUCT_METAFIELD_DEFINITION = "product_metafield_definition", "product metafield"
    VARIANT_METAFIELD_DEFINITION = "variant_metafield_definition", "variant metafield"


class CollectionRuleRelation(models.TextChoices):
    EQUALS = "equals", "is equal to"
    NOT_EQUALS = "not_equals", "is not equal to"
    GREATER_THAN = "greater_than", "is greater than"
    LESS_THAN = "less_than", "is less than"
    STARTS_WITH = "starts_with", "starts with"
    ENDS_WITH = "ends_with", "ends with"
    CONTAINS = "contains", "contains"
    NOT_CONTAINS = "not_contains", "does not contain"
    IS_SET = "is_set", "is set"
    IS_NOT_SET = "is_not_set", "is not set"


class MetafieldOwnerResource(models.TextChoices):
    """The kind of record a metafield (or a metafield definition) belongs to: REST's
    `owner_resource` values, and GraphQL's MetafieldOwnerType in the same lower-case style."""

    PRODUCT = "product", "product"
    VARIANT = "variant", "product variant"
    PRODUCT_IMAGE = "product_image", "product image"
    MEDIA_IMAGE = "media_image", "media image"
    COLLECTION = "collection", "collection"
    CUSTOMER = "customer", "customer"
    ORDER = "order", "order"
    DRAFT_ORDER = "draft_order", "draft order"
    COMPANY = "company", "company"
    COMPANY_LOCATION = "company_location", "company location"
    LOCATION = "location", "location"
    MARKET = "market", "market"
    SELLING_PLAN = "selling_plan", "selling plan"
    DISCOUNT = "discount", "discount"
    GIFT_CARD_TRANSACTION = "gift_card_transaction", "gift card transaction"
    SHOP = "shop", "shop"
    PAGE = "page", "page"
    BLOG = "blog", "blog"
    ARTICLE = "article", "article"
    API_PERMISSION = "api_permission", "API permission"
    CART_TRANSFORM = "cart_transform", "cart transform"
    DELIVERY_CUSTOMIZATION = "delivery_customization", "delivery customization"
    PAYMENT_CUSTOMIZATION = "payment_customization", "payment customization"
    FULFILLMENT_CONSTRAINT_RULE = "fulfillment_constraint_rule", "fulfillment constraint rule"
    ORDER_ROUTING_LOCATION_RULE = "order_routing_location_rule", "order routing location rule"
    TRANSFER = "transfer", "transfer"
    VALIDATION = "validation", "validation"


class MetafieldType(models.TextChoices):
    """Shopify's metafield types; each but the last group also exists as a `list.<type>`."""

    SINGLE_LINE_TEXT_FIELD = "single_line_text_field", "single line text"
    NUMBER_INTEGER = "number_integer", "integer"
    NUMBER_DECIMAL = "number_decimal", "decimal"
    DATE = "date", "date"
    DATE_TIME = "date_time", "date and time"
    URL = "url", "URL"
    LINK = "link", "link"
    COLOR = "color", "color"
    WEIGHT = "weight", "weight"
    VOLUME = "volume", "volume"
    DIMENSION = "dimension", "dimension"
    RATING = "rating", "rating"
    ARTICLE_REFERENCE = "article_reference", "article reference"
    COLLECTION_REFERENCE = "collection_reference", "collection reference"
    COMPANY_REFERENCE = "company_reference", "company reference"
    CUSTOMER_REFERENCE = "customer_reference", "customer reference"
    FILE_REFERENCE = "file_reference", "file reference"
    METAOBJECT_REFERENCE = "metaobject_reference", "metaobject reference"
    MIXED_REFERENCE = "mixed_reference", "mixed reference"
    ORDER_REFERENCE = "order_reference", "order reference"
    PAGE_REFERENCE = "page_reference", "page reference"
    PRODUCT_REFERENCE = "product_reference", "product reference"
    PRODUCT_TAXONOMY_VALUE_REFERENCE = (
        "product_taxonomy_value_reference",
        "product taxonomy value reference",
    )
    VARIANT_REFERENCE = "variant_reference", "variant reference"
    # No list form.
    MULTI_LINE_TEXT_FIELD = "multi_line_text_field", "multi-line text"
    RICH_TEXT_FIELD = "rich_text_field", "rich text"
    BOOLEAN = "boolean", "true or false"
    JSON = "json", "JSON"
    MONEY = "money", "money"
    ID = "id", "ID"


class SellingPlanStatus(models.TextChoices):
    """Our own lifecycle of a selling plan (Shopify's plans have none): the seed indexes it."""

    ACTIVE = "active", "active"
    DRAFT = "draft", "draft"
    ARCHIVED = "archived", "archived"


class SellingPlanInterval(models.TextChoices):
    """Billing and delivery intervals of a selling plan's policies."""

    DAY = "day", "day"
    WEEK = "week", "week"
    MONTH = "month", "month"
    YEAR = "year", "year"
