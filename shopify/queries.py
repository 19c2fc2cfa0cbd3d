"""The GraphQL documents the connector sends to Shopify: the contract between the connector, the
mappers (`shopify.mapping`) and the simulator. Every document is validated against Shopify's own
Admin schema (`shopify/simulator/schema/admin_2026-10.json.gz`) by the test suite.

Node fragments select the fields the mirror stores. Paged documents nest child connections with
`pageInfo`, so a product with more variants than one page holds is completed by `PRODUCT_VARIANTS`.
Nested first pages are small (25 variants, 10 line items) because a connection's requested cost
multiplies by `first`: a page of products or orders then holds 3 or 4 nodes under the 1,000-point
limit instead of one, and the few larger records are completed by their own documents.
Bulk documents (`bulkOperationRunQuery`) use the same fragments; bulk results arrive as JSONL,
one object per line, children carrying `__parentId`. Shopify does not allow a connection inside a
list field in a bulk query, so orders' fulfillment and refund line items are fetched afterwards
with `ORDER_CHILDREN` for the orders that have fulfillments or refunds.
"""

from __future__ import annotations

PAGE_INFO = "pageInfo { hasNextPage endCursor }"
MONEY_BAG = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"

# --- node fragments (field selections) -----------------------------------------------------------

LOCATION_FIELDS = """
  id legacyResourceId name isActive createdAt updatedAt
  address { address1 address2 city province provinceCode country countryCode zip phone }
"""

PRODUCT_FIELDS = """
  id legacyResourceId title handle descriptionHtml vendor productType status tags
  templateSuffix publishedAt createdAt updatedAt
  seo { title description }
  options { id name position values optionValues { id name } }
"""

VARIANT_FIELDS = """
  id legacyResourceId title sku barcode position price compareAtPrice taxable inventoryPolicy
  inventoryQuantity createdAt updatedAt
  selectedOptions { name value }
  media(first: 1) { nodes { id } }
  inventoryItem {
    id legacyResourceId sku requiresShipping tracked harmonizedSystemCode countryCodeOfOrigin
    provinceCodeOfOrigin createdAt updatedAt
    unitCost { amount currencyCode }
    measurement { weight { unit value } }
  }
"""

MEDIA_FIELDS = """
  id
  ... on MediaImage { alt createdAt updatedAt image { url width height } }
"""

METAFIELD_FIELDS = "id legacyResourceId namespace key value type createdAt updatedAt"

COLLECTION_FIELDS = """
  id legacyResourceId title handle descriptionHtml sortOrder templateSuffix updatedAt
  seo { title description }
  image { url altText width height }
  ruleSet { appliedDisjunctively rules { column relation condition } }
"""

ADDRESS_FIELDS = """
  id firstName lastName name company address1 address2 city province provinceCode country
  countryCodeV2 zip phone
"""

CUSTOMER_FIELDS = """
  id legacyResourceId firstName lastName state note tags verifiedEmail taxExempt taxExemptions
  multipassIdentifier numberOfOrders createdAt updatedAt
  amountSpent { amount currencyCode }
  defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }
  defaultPhoneNumber { phoneNumber marketingState marketingOptInLevel marketingUpdatedAt }
  defaultAddress { id }
  lastOrder { id name }
"""

ORDER_FIELDS = f"""
  id legacyResourceId name number email phone note tags test confirmed closed closedAt
  cancelledAt cancelReason processedAt createdAt updatedAt currencyCode presentmentCurrencyCode
  taxesIncluded displayFinancialStatus displayFulfillmentStatus paymentGatewayNames
  discountCodes sourceName sourceIdentifier customerLocale customerAcceptsMarketing
  cartToken checkoutToken confirmationNumber clientIp
  customer {{ id }}
  customAttributes {{ key value }}
  billingAddress {{ {ADDRESS_FIELDS} }}
  shippingAddress {{ {ADDRESS_FIELDS} }}
  subtotalPriceSet {{ {MONEY_BAG} }}
  totalPriceSet {{ {MONEY_BAG} }}
  totalTaxSet {{ {MONEY_BAG} }}
  totalDiscountsSet {{ {MONEY_BAG} }}
  totalShippingPriceSet {{ {MONEY_BAG} }}
  currentTotalPriceSet {{ {MONEY_BAG} }}
  totalWeight
  taxLines {{ title rate priceSet {{ {MONEY_BAG} }} }}
  shippingLines(first: 5) {{ nodes {{ title code source originalPriceSet {{ {MONEY_BAG} }} }} }}
  fulfillments(first: 50) {{
    id legacyResourceId name status displayStatus createdAt updatedAt
    location {{ id }}
    service {{ serviceName }}
    trackingInfo {{ company number url }}
  }}
  refunds(first: 50) {{
    id legacyResourceId note createdAt updatedAt processedAt
    totalRefundedSet {{ {MONEY_BAG} }}
  }}
  transactions(first: 100) {{
    id kind status gateway test errorCode authorizationCode processedAt createdAt
    amountSet {{ {MONEY_BAG} }}
    parentTransaction {{ id }}
    location {{ id }}
    receiptJson
    paymentDetails {{ ... on CardPaymentDetails {{ company number bin name }} }}
  }}
"""

LINE_ITEM_FIELDS = f"""
  id name title variantTitle sku vendor quantity currentQuantity unfulfilledQuantity
  requiresShipping taxable isGiftCard
  product {{ id }}
  variant {{ id }}
  originalUnitPriceSet {{ {MONEY_BAG} }}
  totalDiscountSet {{ {MONEY_BAG} }}
  customAttributes {{ key value }}
  taxLines {{ title rate priceSet {{ {MONEY_BAG} }} }}
"""

FULFILLMENT_LINE_ITEM_FIELDS = "id quantity lineItem { id }"

REFUND_LINE_ITEM_FIELDS = f"""
  id quantity restockType restocked
  lineItem {{ id }}
  location {{ id }}
  subtotalSet {{ {MONEY_BAG} }}
  totalTaxSet {{ {MONEY_BAG} }}
"""

INVENTORY_LEVEL_FIELDS = """
  id updatedAt
  item { id }
  location { id }
  quantities(names: ["available", "on_hand", "committed", "incoming", "reserved"]) { name quantity }
"""

# --- paged documents -----------------------------------------------------------------------------
# Variables: $first (page size), $after (cursor), $query (Shopify search syntax, e.g.
# "updated_at:>='2026-01-01T00:00:00Z'"). Sorted by UPDATED_AT (then id), ascending.

PRODUCTS_PAGE = f"""
query ProductsPage($first: Int!, $after: String, $query: String) {{
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    {PAGE_INFO}
    nodes {{
      {PRODUCT_FIELDS}
      variants(first: 25) {{ {PAGE_INFO} nodes {{ {VARIANT_FIELDS} }} }}
      media(first: 10) {{ {PAGE_INFO} nodes {{ {MEDIA_FIELDS} }} }}
      metafields(first: 10) {{ {PAGE_INFO} nodes {{ {METAFIELD_FIELDS} }} }}
    }}
  }}
}}
"""

PRODUCT_VARIANTS = f"""
query ProductVariants($id: ID!, $first: Int!, $after: String) {{
  product(id: $id) {{
    id updatedAt
    variants(first: $first, after: $after) {{ {PAGE_INFO} nodes {{ {VARIANT_FIELDS} }} }}
  }}
}}
"""

COLLECTIONS_PAGE = f"""
query CollectionsPage($first: Int!, $after: String, $query: String) {{
  collections(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    {PAGE_INFO}
    nodes {{
      {COLLECTION_FIELDS}
      products(first: 250) {{ {PAGE_INFO} nodes {{ id }} }}
    }}
  }}
}}
"""

COLLECTION_PRODUCTS = f"""
query CollectionProducts($id: ID!, $first: Int!, $after: String) {{
  collection(id: $id) {{
    id updatedAt
    products(first: $first, after: $after) {{ {PAGE_INFO} nodes {{ id }} }}
  }}
}}
"""

CUSTOMERS_PAGE = f"""
query CustomersPage($first: Int!, $after: String, $query: String) {{
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    {PAGE_INFO}
    nodes {{
      {CUSTOMER_FIELDS}
      addressesV2(first: 20) {{ {PAGE_INFO} nodes {{ {ADDRESS_FIELDS} }} }}
    }}
  }}
}}
"""

ORDERS_PAGE = f"""
query OrdersPage($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    {PAGE_INFO}
    nodes {{
      {ORDER_FIELDS}
      lineItems(first: 10) {{ {PAGE_INFO} nodes {{ {LINE_ITEM_FIELDS} }} }}
    }}
  }}
}}
"""

ORDER_CHILDREN = f"""
query OrderChildren($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    ... on Order {{
      id updatedAt
      fulfillments(first: 50) {{
        id
        fulfillmentLineItems(first: 100) {{
          {PAGE_INFO} nodes {{ {FULFILLMENT_LINE_ITEM_FIELDS} }}
        }}
      }}
      refunds(first: 50) {{
        id
        refundLineItems(first: 100) {{ {PAGE_INFO} nodes {{ {REFUND_LINE_ITEM_FIELDS} }} }}
      }}
    }}
  }}
}}
"""

ORDER_LINE_ITEMS = f"""
query OrderLineItems($id: ID!, $first: Int!, $after: String) {{
  order(id: $id) {{
    id updatedAt
    lineItems(first: $first, after: $after) {{ {PAGE_INFO} nodes {{ {LINE_ITEM_FIELDS} }} }}
  }}
}}
"""

LOCATIONS_PAGE = f"""
query LocationsPage($first: Int!, $after: String, $query: String) {{
  locations(first: $first, after: $after, query: $query, includeInactive: true) {{
    {PAGE_INFO}
    nodes {{ {LOCATION_FIELDS} }}
  }}
}}
"""

INVENTORY_PAGE = f"""
query InventoryPage($first: Int!, $after: String, $query: String) {{
  inventoryItems(first: $first, after: $after, query: $query) {{
    {PAGE_INFO}
    nodes {{
      id legacyResourceId sku requiresShipping tracked harmonizedSystemCode countryCodeOfOrigin
      provinceCodeOfOrigin createdAt updatedAt
      unitCost {{ amount currencyCode }}
      inventoryLevels(first: 20) {{ {PAGE_INFO} nodes {{ {INVENTORY_LEVEL_FIELDS} }} }}
    }}
  }}
}}
"""

DELETION_EVENTS = """
query DeletionEvents($first: Int!, $after: String, $query: String) {
  events(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id action createdAt
      ... on BasicEvent { subjectId subjectType }
    }
  }
}
"""

COUNTS = """
query Counts($query: String) {
  products: productsCount(query: $query, limit: null) { count precision }
  customers: customersCount(query: $query, limit: null) { count precision }
  orders: ordersCount(query: $query, limit: null) { count precision }
  collections: collectionsCount(query: $query, limit: null) { count precision }
  locations: locationsCount(query: $query, limit: null) { count precision }
}
"""

SHOP = """
query Shop {
  shop { id name email myshopifyDomain currencyCode ianaTimezone updatedAt
    plan { publicDisplayName shopifyPlus } }
}
"""

# Bulk variants link their image through the product's media lines instead.
BULK_VARIANT_FIELDS = VARIANT_FIELDS.replace("media(first: 1) { nodes { id } }", "")

# --- bulk operations -----------------------------------------------------------------------------
# The inner query of `bulkOperationRunQuery`: no pagination arguments matter (bulk ignores them),
# connections use `edges { node }`, at most five levels deep.

BULK_PRODUCTS = f"""
{{
  products{{filter}} {{
    edges {{ node {{
      {PRODUCT_FIELDS}
      variants {{ edges {{ node {{ {BULK_VARIANT_FIELDS} }} }} }}
      media {{ edges {{ node {{ {MEDIA_FIELDS} }} }} }}
      metafields {{ edges {{ node {{ {METAFIELD_FIELDS} }} }} }}
    }} }}
  }}
}}
"""

BULK_COLLECTIONS = f"""
{{
  collections{{filter}} {{
    edges {{ node {{
      {COLLECTION_FIELDS}
      products {{ edges {{ node {{ id }} }} }}
    }} }}
  }}
}}
"""

BULK_CUSTOMERS = f"""
{{
  customers{{filter}} {{
    edges {{ node {{
      {CUSTOMER_FIELDS}
      addressesV2 {{ edges {{ node {{ {ADDRESS_FIELDS} }} }} }}
    }} }}
  }}
}}
"""

BULK_ORDERS = f"""
{{
  orders{{filter}} {{
    edges {{ node {{
      {ORDER_FIELDS.replace("shippingLines(first: 5)", "shippingLines")}
      lineItems {{ edges {{ node {{ {LINE_ITEM_FIELDS} }} }} }}
    }} }}
  }}
}}
"""

BULK_INVENTORY = f"""
{{
  inventoryItems{{filter}} {{
    edges {{ node {{
      id legacyResourceId sku requiresShipping tracked harmonizedSystemCode countryCodeOfOrigin
      provinceCodeOfOrigin createdAt updatedAt
      unitCost {{ amount currencyCode }}
      inventoryLevels {{ edges {{ node {{ {INVENTORY_LEVEL_FIELDS} }} }} }}
    }} }}
  }}
}}
"""

BULK_RUN = """
mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

BULK_STATUS = """
query BulkStatus($id: ID!) {
  node(id: $id) {
    ... on BulkOperation {
      id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url
      partialDataUrl
    }
  }
}
"""

WEBHOOK_SUBSCRIPTIONS = """
query WebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id topic format createdAt updatedAt
      endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } }
    }
  }
}
"""

WEBHOOK_SUBSCRIPTION_CREATE = """
mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!,
    $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}
"""

WEBHOOK_SUBSCRIPTION_DELETE = """
mutation WebhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}
"""


def bulk_query(template: str, search: str | None = None) -> str:
    """A bulk document with an optional `query:` filter on its root connection."""
    argument = "" if not search else f"(query: {_graphql_string(search)})"
    return template.replace("{filter}", argument)


def _graphql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


PAGED_DOCUMENTS = {
    "ProductsPage": PRODUCTS_PAGE,
    "ProductVariants": PRODUCT_VARIANTS,
    "CollectionsPage": COLLECTIONS_PAGE,
    "CollectionProducts": COLLECTION_PRODUCTS,
    "CustomersPage": CUSTOMERS_PAGE,
    "OrdersPage": ORDERS_PAGE,
    "OrderChildren": ORDER_CHILDREN,
    "OrderLineItems": ORDER_LINE_ITEMS,
    "LocationsPage": LOCATIONS_PAGE,
    "InventoryPage": INVENTORY_PAGE,
    "DeletionEvents": DELETION_EVENTS,
    "Counts": COUNTS,
    "Shop": SHOP,
    "BulkRun": BULK_RUN,
    "BulkStatus": BULK_STATUS,
    "WebhookSubscriptions": WEBHOOK_SUBSCRIPTIONS,
    "WebhookSubscriptionCreate": WEBHOOK_SUBSCRIPTION_CREATE,
    "WebhookSubscriptionDelete": WEBHOOK_SUBSCRIPTION_DELETE,
}

BULK_DOCUMENTS = {
    "products": BULK_PRODUCTS,
    "collections": BULK_COLLECTIONS,
    "customers": BULK_CUSTOMERS,
    "orders": BULK_ORDERS,
    "inventory": BULK_INVENTORY,
}
