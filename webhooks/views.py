"""The Shopify webhook endpoint: a plain Django view (no DRF, no session or user work) that
hands the raw body and headers to the intake and answers at once."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .intake import WebhookRefused, webhook_delivery_receive

ACCEPTED = b"{}"


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    """POST /webhooks/shopify/: 200 {} once recorded (or already recorded), 401 for a bad
    signature, 400 for missing headers or a body that is not a JSON object; nothing is stored
    when refused."""
    try:
        webhook_delivery_receive(body=request.body, headers=request.headers)
    except WebhookRefused as refused:
        return JsonResponse(
            {
                "error": {
                    "code": refused.code,
                    "message": refused.message,
                    "details": refused.details,
                }
            },
            status=refused.status,
        )
    return HttpResponse(ACCEPTED, content_type="application/json")
