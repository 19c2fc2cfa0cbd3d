"""Mappers from Shopify's shapes to mirror items (`shopify.rows`): `graphql` for the connector's
GraphQL documents (paged results and bulk JSONL lines), `rest` for webhook payloads."""
