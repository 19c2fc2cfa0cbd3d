"""Writes of inventory: items for new variants, with their opening stock on the ledger."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Greatest, Now
from django.utils import timezone

from core.bulk import insert_new
from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete

from .choices import AdjustmentReason
from .models import InventoryAdjustment, InventoryItem, InventoryLevel, Location


@transaction.atomic
def inventory_item_create_for_variant(
    *, sku: str, quantity: int, requires_shipping: bool = True
) -> InventoryItem:
    """A tracked item; a positive opening quantity is received at the first active location."""
    item = InventoryItem.objects.create(sku=sku, requires_shipping=requires_shipping, tracked=True)
    location = Location.objects.filter(active=True).order_by("id").first()
    if location is not None:
        InventoryLevel.objects.create(
            inventory_item=item,
            location=location,
            available=max(quantity, 0),
            on_hand=max(quantity, 0),
        )
        if quantity > 0:
            InventoryAdjustment.objects.create(
                inventory_item=item,
                location=location,
                quantity_delta=quantity,
                reason="received",
                available_after=quantity,
                note="Opening stock",
            )
    return item


@transaction.atomic
def inventory_items_create_for_variants(
    *, specs: list[tuple[str, int, bool]]
) -> list[InventoryItem]:
    """inventory_item_create_for_variant for many variants at once, in a few bulk INSERTs:
    one (sku, quantity, requires_shipping) per variant; the items come back in that order.
    Rows are built positionally (Django's fast path for model instances)."""

    def build(model: Any, rows: Iterable[dict[str, Any]]) -> list[Any]:
        fields = model._meta.concrete_fields
        template = [field.get_default() for field in fields]
        index = {field.attname: n for n, field in enumerate(fields)}
        built = []
        for row in rows:
            values = template.copy()
            for name, value in row.items():
                values[index[name]] = value
            built.append(model(*values))
        return built

    items: list[InventoryItem] = insert_new(
        InventoryItem,
        build(
            InventoryItem,
            ({"sku": s, "requires_shipping": r, "tracked": True} for s, _, r in specs),
        ),
    )
    location = Location.objects.filter(active=True).order_by("id").first()
    if location is not None:
        pairs = [(item.pk, q) for item, (_, q, _) in zip(items, specs, strict=True)]
        insert_new(
            InventoryLevel,
            build(
                InventoryLevel,
                (
                    {
                        "inventory_item_id": pk,
                        "location_id": location.pk,
                        "available": max(q, 0),
                        "on_hand": max(q, 0),
                    }
                    for pk, q in pairs
                ),
            ),
        )
        insert_new(
            InventoryAdjustment,
            build(
                InventoryAdjustment,
                (
                    {
                        "inventory_item_id": pk,
                        "location_id": location.pk,
                        "quantity_delta": q,
                        "reason": "received",
                        "available_after": q,
                        "note": "Opening stock",
                    }
                    for pk, q in pairs
                    if q > 0
                ),
            ),
        )
    return items


# --- Stock primitives: reserve, release, ship, restock (used by orders) -------------------------
#
# Each takes the location, the (inventory_item_id, quantity) lines and a `reference` (stored as
# the ledger row's reference_document_uri, e.g. "gid://stockroom/Order/123"). All lines change in
# one transaction; the levels are locked with SELECT ... FOR UPDATE in inventory_item_id order so
# concurrent orders cannot deadlock. Untracked items are skipped. Ledger reasons (the seed's enum):
#   reserve  -> reservation_update, delta -q  (available -q, committed +q)
#   release  -> reservation_update, delta +q  (available +q, committed -q)
#   ship     -> movement_created,   delta -q  (on_hand -q, committed -q; available unchanged:
#               the units leave the location, a stock movement out of it)
#   restock  -> received,           delta +q  (available +q, on_hand +q; the level is created
#               when missing: returned units are received back into stock)
#
# They sit on the order hot path, so the common case costs three queries whatever the number of
# lines: the level lock (which brings each item's `tracked` flag along), one UPDATE of every
# level, one ledger INSERT (restock reads the levels once more first, to create missing ones
# before it locks). Every refusal is raised before the first write.


class InsufficientInventory(ServiceError):
    status_code = 409
    default_code = "INSUFFICIENT_INVENTORY"


StockLines = list[tuple[int, int]]


def _ledger_user(actor: Any) -> Any:
    """The staff user of an adjustment; API keys and the system have none."""
    return actor if getattr(actor, "pk", None) else None


@contextmanager
def _stock_transaction() -> Iterator[None]:
    """The caller's transaction when there is one, else a new one.

    No savepoint (two queries per call): the primitives refuse before they write, so a refusal
    leaves the caller's transaction as it was, but for the level locks it holds until its end.
    Their writes run in `atomic(savepoint=False)`,
    which marks the caller's transaction for rollback if one of them fails: half a stock change
    can never be committed."""
    if transaction.get_connection().in_atomic_block:
        yield
    else:
        with transaction.atomic():
            yield


def _stock_location(location_id: int) -> Location:
    location = Location.all_objects.filter(pk=location_id).first()
    if location is None:
        raise ServiceError(
            "Invalid input data",
            details=[{"field": "locationId", "message": f"Location {location_id} does not exist."}],
        )
    return location


def _lock_levels(location_id: int, item_ids: Iterable[int]) -> dict[int, InventoryLevel]:
    """The levels of these items at the location, locked FOR UPDATE in item order, each with its
    item (not locked) joined: its `tracked` flag comes with the lock."""
    levels = (
        InventoryLevel.objects.select_related("inventory_item")
        .select_for_update(of=("self",))
        .filter(location_id=location_id, inventory_item_id__in=sorted(set(item_ids)))
        .order_by("inventory_item_id")
    )
    return {level.inventory_item_id: level for level in levels}


def _tracked_items(
    location_id: int, lines: list[tuple[int, int]], known: dict[int, bool]
) -> dict[int, bool]:
    """Each line's item -> its `tracked` flag, or a refusal: an unknown location first, then the
    first non-positive quantity, then the first unknown item. `known` holds the flags of the items
    that have a level at the location (read with the levels): those items exist, and so does the
    location. Only the other items are read, and the location only when none has a level."""
    if not known:
        _stock_location(location_id)
    for index, (_, quantity) in enumerate(lines):
        if quantity <= 0:
            raise ServiceError(
                "Invalid input data",
                details=[{"field": f"lineItems.{index}.quantity", "message": "Must be positive."}],
            )
    tracked = dict(known)
    missing = {item_id for item_id, _ in lines} - tracked.keys()
    if missing:
        tracked.update(
            InventoryItem.all_objects.filter(pk__in=missing).values_list("pk", "tracked")
        )
    for index, (item_id, _) in enumerate(lines):
        if item_id not in tracked:
            raise ServiceError(
                "Invalid input data",
                details=[
                    {
                        "field": f"lineItems.{index}.inventoryItemId",
                        "message": f"Inventory item {item_id} does not exist.",
                    }
                ],
            )
    return tracked


def _create_missing_levels(location_id: int, lines: list[tuple[int, int]]) -> None:
    """Restock: create the empty levels its tracked items lack, before any level is locked, so
    that its locks too are all taken in item order (creating a level after locking others could
    wait on a transaction that waits on us). One unlocked read when none is missing."""
    known = dict(
        InventoryLevel.objects.filter(
            location_id=location_id, inventory_item_id__in={i for i, _ in lines}
        ).values_list("inventory_item_id", "inventory_item__tracked")
    )
    tracked = _tracked_items(location_id, lines, known)
    missing = sorted(i for i, is_tracked in tracked.items() if is_tracked and i not in known)
    if missing:
        with transaction.atomic(savepoint=False):
            InventoryLevel.objects.bulk_create(
                [InventoryLevel(inventory_item_id=i, location_id=location_id) for i in missing],
                ignore_conflicts=True,
            )


def _refuse_insufficient(
    location_id: int,
    counted: list[tuple[int, int, int]],
    totals: dict[int, int],
    levels: dict[int, InventoryLevel],
    field: str,
) -> None:
    """Refuse every line whose item has less `field` (available/committed) than its total."""
    short = []
    for index, item_id, _ in counted:
        level = levels.get(item_id)
        have = getattr(level, field) if level is not None else 0
        if have < totals[item_id]:
            short.append((index, have))
    if not short:
        return
    noun = "available" if field == "available" else "committed"
    name = _stock_location(location_id).name  # read only to word the refusal
    details = [
        {"field": f"lineItems.{index}.quantity", "message": f"Only {max(have, 0)} {noun} at {name}"}
        for index, have in short
    ]
    if field == "available":
        raise InsufficientInventory("Not enough inventory.", details=details)
    raise Conflict("Not enough committed inventory.", details=details)


def _per_level(amounts: dict[int, int]) -> Case:
    """CASE id WHEN … THEN amount …: lets one UPDATE move every level by its own amount."""
    return Case(
        *(When(pk=pk, then=Value(amount)) for pk, amount in amounts.items()),
        output_field=IntegerField(),
    )


def _below_threshold(level: InventoryLevel) -> bool:
    return level.low_stock_threshold is not None and level.available <= level.low_stock_threshold


def low_stock_record(level: InventoryLevel, actor: Any) -> None:
    event_record(
        subject=level,
        verb="low_stock",
        actor=actor,
        message=(
            f"Inventory item {level.inventory_item_id} is low at location {level.location_id}: "
            f"{level.available} available (threshold {level.low_stock_threshold})."
        ),
        arguments={
            "inventory_item_id": level.inventory_item_id,
            "location_id": level.location_id,
            "available": level.available,
            "low_stock_threshold": level.low_stock_threshold,
        },
    )


def _apply(
    *,
    location_id: int,
    lines: StockLines,
    reference: str,
    actor: Any,
    changes: dict[str, int],
    reason: str,
    delta_sign: int,
    create_missing: bool = False,
    insufficient: str | None = None,
) -> None:
    """Apply `changes` (field -> sign) times each line's quantity to the locked levels. A line
    without a level at the location has 0 of everything: refused by `insufficient`, or its level
    created first (`create_missing`)."""
    checked = [(int(item_id), int(quantity)) for item_id, quantity in lines]
    with _stock_transaction():
        if create_missing:
            _create_missing_levels(location_id, checked)
        levels = _lock_levels(location_id, (item_id for item_id, _ in checked))
        known = {item_id: level.inventory_item.tracked for item_id, level in levels.items()}
        tracked = _tracked_items(location_id, checked, known)
        counted = [(index, i, q) for index, (i, q) in enumerate(checked) if tracked[i]]
        if not counted:
            return
        totals: dict[int, int] = {}
        for _, item_id, quantity in counted:
            totals[item_id] = totals.get(item_id, 0) + quantity
        if insufficient is not None:
            _refuse_insufficient(location_id, counted, totals, levels, insufficient)
        with transaction.atomic(savepoint=False):
            user = _ledger_user(actor)
            running = {item_id: levels[item_id].available for item_id in totals}
            ledger = []
            for _, item_id, quantity in counted:
                running[item_id] += changes.get("available", 0) * quantity
                ledger.append(
                    InventoryAdjustment(
                        inventory_item_id=item_id,
                        location_id=location_id,
                        quantity_delta=delta_sign * quantity,
                        reason=reason,
                        user=user,
                        available_after=running[item_id],
                        reference_document_uri=reference,
                    )
                )
            InventoryLevel.objects.filter(pk__in=[levels[i].pk for i in totals]).update(
                updated_at=Now(),
                **{
                    field: F(field)
                    + _per_level({levels[i].pk: sign * q for i, q in totals.items()})
                    for field, sign in changes.items()
                },
            )
            for item_id, quantity in totals.items():
                for field, sign in changes.items():
                    level = levels[item_id]
                    setattr(level, field, getattr(level, field) + sign * quantity)
            InventoryAdjustment.objects.bulk_create(ledger)
            if changes.get("available", 0) < 0:
                for item_id in sorted(totals):
                    if _below_threshold(levels[item_id]):
                        low_stock_record(levels[item_id], actor)


def inventory_reserve(
    *, location_id: int, lines: StockLines, reference: str, actor: Any = None
) -> None:
    """Commit stock to an order: available -= q, committed += q for every tracked line, or
    nothing at all (InsufficientInventory, 409, per-line details) when any line lacks stock. A
    missing level counts as 0 available. Records a low-stock Event for levels that fall to or
    below their threshold."""
    _apply(
        location_id=location_id,
        lines=lines,
        reference=reference,
        actor=actor,
        changes={"available": -1, "committed": +1},
        reason=AdjustmentReason.RESERVATION_UPDATE,
        delta_sign=-1,
        insufficient="available",
    )


def inventory_release(
    *, location_id: int, lines: StockLines, reference: str, actor: Any = None
) -> None:
    """Give reserved stock back (order cancelled before fulfilment): committed -= q,
    available += q. Refused (Conflict, 409) when less is committed than released."""
    _apply(
        location_id=location_id,
        lines=lines,
        reference=reference,
        actor=actor,
        changes={"available": +1, "committed": -1},
        reason=AdjustmentReason.RESERVATION_UPDATE,
        delta_sign=+1,
        insufficient="committed",
    )


def inventory_ship(
    *, location_id: int, lines: StockLines, reference: str, actor: Any = None
) -> None:
    """Fulfilment: the reserved units leave: committed -= q, on_hand -= q (available unchanged).
    Ledger reason movement_created, delta -q. Refused (Conflict) when less is committed."""
    _apply(
        location_id=location_id,
        lines=lines,
        reference=reference,
        actor=actor,
        changes={"on_hand": -1, "committed": -1},
        reason=AdjustmentReason.MOVEMENT_CREATED,
        delta_sign=-1,
        insufficient="committed",
    )


def inventory_restock(
    *, location_id: int, lines: StockLines, reference: str, actor: Any = None
) -> None:
    """Refund restock: available += q, on_hand += q, creating the level when missing.
    Ledger reason received, delta +q."""
    _apply(
        location_id=location_id,
        lines=lines,
        reference=reference,
        actor=actor,
        changes={"available": +1, "on_hand": +1},
        reason=AdjustmentReason.RECEIVED,
        delta_sign=+1,
        create_missing=True,
    )


# --- The REST API's writes: items, levels (set / bulk set), adjustments, locations ---------------
#
# Rules: mirrored rows (shopify_id set) are changed in Shopify, never here (SHOPIFY_MANAGED), except
# a level's low_stock_threshold, which only Stockroom has. A local level never goes below zero
# available (the database's CheckConstraint): an adjustment that would is refused with 409
# INSUFFICIENT_INVENTORY whatever its reason. Setting or adjusting `available` moves `on_hand` by
# the same delta (floored at 0); each change is one ledger row, written in the transaction that
# changes the locked level; a level left at or below its threshold records a low_stock Event.

ITEM_FIELDS = (
    "cost",
    "currency",
    "country_code_of_origin",
    "province_code_of_origin",
    "harmonized_system_code",
    "country_harmonized_system_codes",
    "tracked",
    "requires_shipping",
)
LOCATION_FIELDS = (
    "name",
    "address1",
    "address2",
    "city",
    "zip",
    "province",
    "country",
    "phone",
    "country_code",
    "country_name",
    "province_code",
    "active",
)
MAX_BULK_LEVELS = 250


def _refuse_mirrored(instance: Any, noun: str) -> None:
    if instance.shopify_id is not None:
        raise ShopifyManaged(f"This {noun} is managed by Shopify; change it there.")


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field, "message": message}])


@transaction.atomic
def inventory_item_update(
    *, item: InventoryItem, data: dict[str, Any], actor: Any = None
) -> InventoryItem:
    """Cost, customs data, tracking and shipping of a local item (its SKU follows the variant)."""
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    _refuse_mirrored(item, "inventory item")
    fields = {k: data[k] for k in ITEM_FIELDS if k in data}
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    event_record(subject=item, verb="update", actor=actor, arguments={"fields": sorted(fields)})
    return item


@transaction.atomic
def inventory_level_update(
    *, level: InventoryLevel, data: dict[str, Any], actor: Any = None
) -> InventoryLevel:
    """The level's low-stock threshold (Stockroom's own setting, so mirrored levels too)."""
    level = InventoryLevel.objects.select_for_update().get(pk=level.pk)
    if "low_stock_threshold" in data:
        level.low_stock_threshold = data["low_stock_threshold"]
        level.save(update_fields=["low_stock_threshold", "updated_at"])
    event_record(
        subject=level,
        verb="update",
        actor=actor,
        arguments={"low_stock_threshold": level.low_stock_threshold},
    )
    return level


def _stock_target(item_id: int, location_id: int, prefix: str = "") -> InventoryLevel:
    """The locked level of a live local item at a live local location (created when missing)."""
    item = InventoryItem.objects.filter(pk=item_id).first()
    if item is None:
        raise _invalid(f"{prefix}inventoryItemId", f"Inventory item {item_id} does not exist.")
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise _invalid(f"{prefix}locationId", f"Location {location_id} does not exist.")
    _refuse_mirrored(item, "inventory item")
    _refuse_mirrored(location, "location")
    InventoryLevel.objects.bulk_create(
        [InventoryLevel(inventory_item_id=item_id, location_id=location_id)], ignore_conflicts=True
    )
    level = InventoryLevel.objects.select_for_update().get(
        inventory_item_id=item_id, location_id=location_id
    )
    _refuse_mirrored(level, "inventory level")
    return level


def _level_change(
    level: InventoryLevel,
    *,
    delta: int,
    reason: str,
    note: str,
    reference: str,
    actor: Any,
) -> InventoryAdjustment:
    """Move the locked level's available and on_hand by `delta`; one ledger row; events."""
    after = level.available + delta
    if after < 0:
        raise InsufficientInventory(
            "Not enough inventory.",
            details=[
                {
                    "field": "quantityDelta",
                    "message": f"Only {level.available} available; the change would leave {after}.",
                }
            ],
        )
    InventoryLevel.objects.filter(pk=level.pk).update(
        available=F("available") + delta,
        on_hand=Greatest(F("on_hand") + delta, Value(0)),
        updated_at=Now(),
    )
    level.refresh_from_db()
    adjustment = InventoryAdjustment.objects.create(
        inventory_item_id=level.inventory_item_id,
        location_id=level.location_id,
        quantity_delta=delta,
        reason=reason,
        user=_ledger_user(actor),
        note=note,
        available_after=level.available,
        reference_document_uri=reference,
    )
    event_record(
        subject=level,
        verb="adjusted",
        actor=actor,
        subject_object=adjustment,
        arguments={"quantity_delta": delta, "reason": reason, "available": level.available},
    )
    if delta < 0 and _below_threshold(level):
        low_stock_record(level, actor)
    return adjustment


@transaction.atomic
def inventory_adjustment_create(
    *,
    inventory_item_id: int,
    location_id: int,
    quantity_delta: int,
    reason: str,
    note: str = "",
    reference_document_uri: str = "",
    actor: Any = None,
) -> InventoryAdjustment:
    """Append a ledger row and move the level by `quantity_delta` (never below 0 available)."""
    if quantity_delta == 0:
        raise _invalid("quantityDelta", "Must not be zero.")
    level = _stock_target(inventory_item_id, location_id)
    return _level_change(
        level,
        delta=quantity_delta,
        reason=reason,
        note=note,
        reference=reference_document_uri,
        actor=actor,
    )


@transaction.atomic
def inventory_level_set(
    *,
    inventory_item_id: int,
    location_id: int,
    available: int,
    reason: str,
    note: str = "",
    reference_document_uri: str = "",
    actor: Any = None,
) -> InventoryLevel:
    """Set the absolute available quantity; the difference goes to the ledger (none if equal)."""
    if available < 0:
        raise _invalid("available", "Must be at least 0.")
    level = _stock_target(inventory_item_id, location_id)
    delta = available - level.available
    if delta:
        _level_change(
            level,
            delta=delta,
            reason=reason,
            note=note,
            reference=reference_document_uri,
            actor=actor,
        )
    return level


@transaction.atomic
def inventory_level_bulk_set(
    *, levels: list[dict[str, Any]], actor: Any = None
) -> list[InventoryLevel]:
    """Set up to 250 absolute quantities, all or nothing, in a fixed number of queries.

    Each row: inventory_item_id, location_id, available (>= 0), reason, optional note and
    reference_document_uri. Errors name the row ("levels.3.locationId"). The ledger rows are
    the audit trail (one per changed level); low_stock Events for levels that fell to their
    threshold."""
    if len(levels) > MAX_BULK_LEVELS:
        raise _invalid("levels", f"At most {MAX_BULK_LEVELS} levels per request.")
    keys = [(int(r["inventory_item_id"]), int(r["location_id"])) for r in levels]
    items = dict(
        InventoryItem.objects.filter(pk__in={i for i, _ in keys}).values_list("pk", "shopify_id")
    )
    locations = dict(
        Location.objects.filter(pk__in={loc for _, loc in keys}).values_list("pk", "shopify_id")
    )
    errors: list[dict[str, str]] = []
    first: dict[tuple[int, int], int] = {}
    for n, ((item_id, location_id), row) in enumerate(zip(keys, levels, strict=True)):
        if (item_id, location_id) in first:
            errors.append(
                {
                    "field": f"levels.{n}.inventoryItemId",
                    "message": f"Repeats levels.{first[(item_id, location_id)]}.",
                }
            )
        first.setdefault((item_id, location_id), n)
        if item_id not in items:
            errors.append(
                {
                    "field": f"levels.{n}.inventoryItemId",
                    "message": f"Inventory item {item_id} does not exist.",
                }
            )
        if location_id not in locations:
            errors.append(
                {
                    "field": f"levels.{n}.locationId",
                    "message": f"Location {location_id} does not exist.",
                }
            )
        if row["available"] < 0:
            errors.append({"field": f"levels.{n}.available", "message": "Must be at least 0."})
    if errors:
        raise ServiceError("Invalid input data", details=errors)
    if not keys:
        return []
    mirrored = [
        {"field": f"levels.{n}", "message": "Managed by Shopify; change it there."}
        for n, (item_id, location_id) in enumerate(keys)
        if items[item_id] is not None or locations[location_id] is not None
    ]
    if mirrored:
        raise ShopifyManaged("These levels are managed by Shopify.", details=mirrored)
    InventoryLevel.objects.bulk_create(
        [InventoryLevel(inventory_item_id=i, location_id=loc) for i, loc in keys],
        ignore_conflicts=True,
    )
    match = Q()
    for item_id, location_id in keys:
        match |= Q(inventory_item_id=item_id, location_id=location_id)
    locked = {
        (level.inventory_item_id, level.location_id): level
        # Locked in (location, item) order: the order the stock primitives lock one location's
        # levels in, so a bulk set and an order touching the same levels cannot deadlock.
        for level in InventoryLevel.objects.select_for_update()
        .filter(match)
        .order_by("location_id", "inventory_item_id")
    }
    mirrored = [
        {"field": f"levels.{n}", "message": "Managed by Shopify; change it there."}
        for n, key in enumerate(keys)
        if locked[key].shopify_id is not None
    ]
    if mirrored:
        raise ShopifyManaged("These levels are managed by Shopify.", details=mirrored)
    user, now = _ledger_user(actor), timezone.now()
    changed: list[InventoryLevel] = []
    ledger: list[InventoryAdjustment] = []
    fallen: list[InventoryLevel] = []
    for key, row in zip(keys, levels, strict=True):
        level = locked[key]
        delta = row["available"] - level.available
        if not delta:
            continue
        level.available = row["available"]
        level.on_hand = max(level.on_hand + delta, 0)
        level.updated_at = now
        changed.append(level)
        if delta < 0 and _below_threshold(level):
            fallen.append(level)
        ledger.append(
            InventoryAdjustment(
                inventory_item_id=key[0],
                location_id=key[1],
                quantity_delta=delta,
                reason=row["reason"],
                user=user,
                note=row.get("note", ""),
                available_after=level.available,
                reference_document_uri=row.get("reference_document_uri", ""),
            )
        )
    InventoryLevel.objects.bulk_update(changed, ["available", "on_hand", "updated_at"])
    InventoryAdjustment.objects.bulk_create(ledger)
    for level in fallen:
        low_stock_record(level, actor)
    return [locked[key] for key in keys]


def _check_location_address(location: Location) -> None:
    """The seed's address validation: a street address needs its city and country."""
    if location.address1:
        missing = [
            {"field": field, "message": "Required with a street address (address1)."}
            for field, value in (("city", location.city), ("countryCode", location.country_code))
            if not value
        ]
        if missing:
            raise ServiceError("Invalid input data", details=missing)


def _location_save(location: Location) -> None:
    try:
        with transaction.atomic():
            location.save()
    except IntegrityError as exc:
        if "inventory_location_name_ci_unique" in str(exc):
            raise Conflict(
                "Location name already in use.",
                details=[{"field": "name", "message": "A location with this name exists."}],
            ) from exc
        raise


@transaction.atomic
def location_create(*, data: dict[str, Any], actor: Any = None) -> Location:
    location = Location(**{k: data[k] for k in LOCATION_FIELDS if k in data})
    _check_location_address(location)
    _location_save(location)
    event_record(subject=location, verb="create", actor=actor)
    return location


@transaction.atomic
def location_update(*, location: Location, data: dict[str, Any], actor: Any = None) -> Location:
    location = Location.objects.select_for_update().get(pk=location.pk)
    _refuse_mirrored(location, "location")
    fields = {k: data[k] for k in LOCATION_FIELDS if k in data}
    for key, value in fields.items():
        setattr(location, key, value)
    _check_location_address(location)
    _location_save(location)
    event_record(subject=location, verb="update", actor=actor, arguments={"fields": sorted(fields)})
    return location


@transaction.atomic
def location_delete(*, location: Location, actor: Any = None) -> None:
    """Soft delete an empty location; one that holds stock is deactivated instead (409)."""
    location = Location.objects.select_for_update().get(pk=location.pk)
    _refuse_mirrored(location, "location")
    stock = ~Q(available=0) | ~Q(on_hand=0) | ~Q(committed=0) | ~Q(incoming=0) | ~Q(reserved=0)
    if InventoryLevel.objects.filter(stock, location=location).exists():
        raise Conflict(
            "This location holds stock; deactivate it (active: false) instead of deleting it.",
            details=[{"field": "", "message": "Inventory levels at this location are not zero."}],
        )
    soft_delete(instance=location)
    event_record(subject=location, verb="destroy", actor=actor)
