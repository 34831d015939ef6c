/**
 * A small inventory aggregate for this folder's tests (seed 000, the reference's inventory-service):
 * stock is received, shipped and adjusted per SKU, and never goes below zero.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Decider } from "./decider.ts";

/** Commands of the inventory aggregate; `quantity` and `delta` count units. */
export type InventoryCommand =
  | { readonly type: "ReceiveStock"; readonly sku: string; readonly quantity: number }
  | { readonly type: "ShipStock"; readonly sku: string; readonly quantity: number }
  | { readonly type: "AdjustStock"; readonly sku: string; readonly delta: number; readonly reason: string };

/** Events of the inventory aggregate. */
export type InventoryEvent =
  | { readonly type: "StockReceived"; readonly data: { readonly sku: string; readonly quantity: number } }
  | { readonly type: "StockShipped"; readonly data: { readonly sku: string; readonly quantity: number } }
  | {
      readonly type: "StockAdjusted";
      readonly data: { readonly sku: string; readonly delta: number; readonly reason: string };
    };

/** State of the inventory aggregate. */
export interface InventoryState {
  readonly onHand: number;
}

/** The stream of one SKU. */
export const inventoryStream = (sku: string): string => `inventory-${sku}`;

/** How many units an event adds (negative: removes). */
export function stockChange(event: InventoryEvent): number {
  if (event.type === "StockReceived") return event.data.quantity;
  if (event.type === "StockShipped") return -event.data.quantity;
  return event.data.delta;
}

const invalid = (field: string, message: string) =>
  new AllFrameError("validation", `${field} ${message}`, { issues: [{ path: [field], message }] });

/**
 * The inventory decider: quantities are positive integers, a delta a non-zero integer; shipping or
 * adjusting below zero is a validation error.
 */
export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, InventoryState> = {
  initialState: () => ({ onHand: 0 }),
  decide(command, state) {
    const { sku } = command;
    if (command.type === "AdjustStock") {
      if (!Number.isInteger(command.delta) || command.delta === 0) {
        throw invalid("delta", "must be a non-zero integer");
      }
      if (state.onHand + command.delta < 0) {
        throw new AllFrameError(
          "validation",
          `insufficient stock: ${state.onHand} on hand, ${command.delta} adjusted`,
        );
      }
      return [{ type: "StockAdjusted", data: { sku, delta: command.delta, reason: command.reason } }];
    }
    if (!Number.isInteger(command.quantity) || command.quantity <= 0) {
      throw invalid("quantity", "must be a positive integer");
    }
    if (command.type === "ReceiveStock")
      return [{ type: "StockReceived", data: { sku, quantity: command.quantity } }];
    if (command.quantity > state.onHand) {
      throw new AllFrameError(
        "validation",
        `insufficient stock: ${state.onHand} on hand, ${command.quantity} asked`,
      );
    }
    return [{ type: "StockShipped", data: { sku, quantity: command.quantity } }];
  },
  evolve: (state, event) => ({ onHand: state.onHand + stockChange(event) }),
};
