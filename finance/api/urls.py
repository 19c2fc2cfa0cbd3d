from django.urls import path

from .views import DiscountCodeViewSet, GiftCardViewSet

gift_cards = GiftCardViewSet.as_view({"get": "list", "post": "create"})
gift_card = GiftCardViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})
discount_codes = DiscountCodeViewSet.as_view({"get": "list", "post": "create"})
discount_code = DiscountCodeViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("gift-cards", gift_cards, name="gift-card-list"),
    path("gift-cards/<int:pk>", gift_card, name="gift-card-detail"),
    path(
        "gift-cards/<int:pk>/disable",
        GiftCardViewSet.as_view({"post": "disable"}),
        name="gift-card-disable",
    ),
    path(
        "gift-cards/<int:pk>/adjustments",
        GiftCardViewSet.as_view({"post": "adjust"}),
        name="gift-card-adjustments",
    ),
    path("discount-codes", discount_codes, name="discount-code-list"),
    path("discount-codes/<int:pk>", discount_code, name="discount-code-detail"),
]
