"""The Shopify connector's back-office pages arrive with the Shopify connector issue."""
