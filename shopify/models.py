"""The Shopify connector's own state arrives with the Shopify connector issue."""
