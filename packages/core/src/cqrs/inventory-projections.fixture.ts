/**
 * The reference inventory-service's read models (seed 000: `projections = ["InventoryLevel",
 * "StockHistory", "LowStockAlert"]`) over `inventory.fixture.ts`, kept in memory; for tests.
 * @module
 */
import type { RecordedEventOf } from "./event-types.ts";
import { type InventoryEvent, stockChange } from "./inventory.fixture.ts";
import { InMemoryReadModel } from "./projections/in-memory-read-model.ts";
import type { Projection, ProjectionKind } from "./projections/projection.ts";

const INVENTORY_EVENTS = ["StockReceived", "StockShipped", "StockAdjusted"] as const;

/** One line of a SKU's stock history. */
export interface StockChange {
  readonly position: number;
  readonly type: InventoryEvent["type"];
  /** Units added (negative: removed). */
  readonly change: number;
  readonly at: string;
}

/** A SKU under the low-stock threshold. */
export interface LowStock {
  readonly onHand: number;
  /** Position of the event that took it under. */
  readonly since: number;
}

const asInventory = (event: unknown) => event as RecordedEventOf<InventoryEvent>;

/** InventoryLevel: units on hand per SKU. */
export function inventoryLevel(kind: ProjectionKind = "inline") {
  const rows = new InMemoryReadModel<number>();
  const projection: Projection = {
    name: "InventoryLevel",
    kind,
    handles: INVENTORY_EVENTS,
    apply(recorded, tx) {
      const event = asInventory(recorded);
      rows.set(event.data.sku, (rows.get(event.data.sku) ?? 0) + stockChange(event), tx);
    },
    reset: () => rows.clear(),
  };
  return { rows, projection };
}

/** StockHistory: every change per SKU, in log order; idempotent (a redelivered position is ignored). */
export function stockHistory(kind: ProjectionKind = "inline") {
  const rows = new InMemoryReadModel<readonly StockChange[]>();
  const projection: Projection = {
    name: "StockHistory",
    kind,
    handles: INVENTORY_EVENTS,
    apply(recorded, tx) {
      const event = asInventory(recorded);
      const lines = rows.get(event.data.sku) ?? [];
      if (lines.some((l) => l.position === event.position)) return;
      const line = {
        position: event.position,
        type: event.type,
        change: stockChange(event),
        at: event.recordedAt,
      };
      rows.set(event.data.sku, [...lines, line], tx);
    },
    reset: () => rows.clear(),
  };
  return { rows, projection };
}

/** LowStockAlert: the SKUs whose stock is under `threshold` units. */
export function lowStockAlert(threshold: number, kind: ProjectionKind = "inline") {
  const levels = new InMemoryReadModel<number>();
  const alerts = new InMemoryReadModel<LowStock>();
  const projection: Projection = {
    name: "LowStockAlert",
    kind,
    handles: INVENTORY_EVENTS,
    apply(recorded, tx) {
      const event = asInventory(recorded);
      const { sku } = event.data;
      const onHand = (levels.get(sku) ?? 0) + stockChange(event);
      levels.set(sku, onHand, tx);
      if (onHand >= threshold) alerts.delete(sku, tx);
      else alerts.set(sku, { onHand, since: alerts.get(sku)?.since ?? event.position }, tx);
    },
    reset: () => {
      levels.clear();
      alerts.clear();
    },
  };
  return { rows: alerts, projection };
}
