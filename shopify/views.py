"""The OAuth install flow for the app (authorization code grant): /shopify/install sends the
merchant to Shopify to approve our scopes, /shopify/callback checks what comes back and stores the
token. Every failure answers 400 in the API's error format and stores nothing."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .connection import (
    ShopifyOAuthError,
    connection_install,
    oauth_authorize_url,
    oauth_exchange_code,
    oauth_hmac_valid,
    oauth_state_consume,
    oauth_state_issue,
    oauth_timestamp_fresh,
    shop_domain_valid,
)

SESSION_STATE_KEY = "shopify_oauth_state"


def _error(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": []}}, status=400)


def _query_pairs(request: HttpRequest) -> list[tuple[str, str]]:
    return [(key, value) for key, values in request.GET.lists() for value in values]


def _check_shop(shop: str) -> JsonResponse | None:
    if not shop_domain_valid(shop_domain=shop):
        return _error("INVALID_SHOP", "shop must be a your-store.myshopify.com domain.")
    configured = settings.SHOPIFY_SHOP_DOMAIN.strip().lower()
    if configured and shop != configured:
        return _error("SHOP_NOT_ALLOWED", f"This Stockroom is connected to {configured} only.")
    if not settings.SHOPIFY_API_KEY or not settings.SHOPIFY_API_SECRET:
        return _error(
            "NOT_CONFIGURED", "SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set to install."
        )
    return None


@require_GET
def install(request: HttpRequest) -> HttpResponse:
    """GET /shopify/install?shop=your-store.myshopify.com → 302 to Shopify's authorize page."""
    shop = request.GET.get("shop", "").strip().lower()
    refused = _check_shop(shop)
    if refused is not None:
        return refused
    if "hmac" in request.GET and not oauth_hmac_valid(
        params=_query_pairs(request), secret=settings.SHOPIFY_API_SECRET
    ):
        return _error("INVALID_HMAC", "The request's signature is not valid.")
    state = oauth_state_issue(shop_domain=shop)
    request.session[SESSION_STATE_KEY] = state
    redirect_uri = request.build_absolute_uri(reverse("shopify:callback"))
    return HttpResponseRedirect(
        oauth_authorize_url(shop_domain=shop, state=state, redirect_uri=redirect_uri)
    )


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """GET /shopify/callback?code=…&hmac=…&shop=…&state=…&timestamp=… → token stored, 302 to the
    connection's admin page."""
    shop = request.GET.get("shop", "").strip().lower()
    refused = _check_shop(shop)
    if refused is not None:
        return refused
    if not oauth_hmac_valid(params=_query_pairs(request), secret=settings.SHOPIFY_API_SECRET):
        return _error("INVALID_HMAC", "The callback's signature is not valid.")
    if not oauth_timestamp_fresh(timestamp=request.GET.get("timestamp", "")):
        return _error("STALE_REQUEST", "The callback's timestamp is missing or over a day old.")
    state = request.GET.get("state", "")
    session_state = request.session.pop(SESSION_STATE_KEY, None)
    if not oauth_state_consume(state=state, shop_domain=shop) or session_state != state:
        return _error(
            "INVALID_STATE", "The state is unknown, expired, already used or not this browser's."
        )
    code = request.GET.get("code", "")
    if not code:
        return _error("MISSING_CODE", "The callback carries no authorization code.")
    try:
        grant = oauth_exchange_code(shop_domain=shop, code=code)
    except ShopifyOAuthError as error:
        return _error(error.code, error.message)
    connection = connection_install(shop_domain=shop, grant=grant)
    return HttpResponseRedirect(
        reverse("admin:shopify_shopifyconnection_change", args=[connection.pk])
    )
