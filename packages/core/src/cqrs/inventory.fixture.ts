/**
 * A small inventory aggregate used by this folder's tests: stock is received and shipped, and never
 * goes below zero.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Decider } from "./decider.ts";

/** Commands of the inventory aggregate. */
export type InventoryCommand = { type: "ReceiveStock"; qty: number } | { type: "ShipStock"; qty: number };
/** Events of the inventory aggregate. */
export type InventoryEvent =
  | { type: "StockReceived"; data: { qty: number } }
  | { type: "StockShipped"; data: { qty: number } };
/** State of the inventory aggregate. */
export interface InventoryState {
  readonly onHand: number;
}

/** The inventory decider: quantities must be positive integers; shipping needs enough stock. */
export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, InventoryState> = {
  initialState: () => ({ onHand: 0 }),
  decide(command, state) {
    if (!Number.isInteger(command.qty) || command.qty <= 0) {
      throw new AllFrameError("validation", "qty must be a positive integer", {
        issues: [{ path: ["qty"], message: "must be a positive integer" }],
      });
    }
    if (command.type === "ReceiveStock") return [{ type: "StockReceived", data: { qty: command.qty } }];
    if (command.qty > state.onHand) {
      throw new AllFrameError(
        "validation",
        `insufficient stock: ${state.onHand} on hand, ${command.qty} asked`,
      );
    }
    return [{ type: "StockShipped", data: { qty: command.qty } }];
  },
  evolve(state, event) {
    const delta = event.type === "StockReceived" ? event.data.qty : -event.data.qty;
    return { onHand: state.onHand + delta };
  },
};
