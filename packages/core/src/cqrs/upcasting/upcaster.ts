/**
 * One step of event schema evolution: turns the payload of one event type from schema version `n` into
 * version `n + 1` (seed 001, "CQRS Infrastructure" phase 4, Event Versioning; seed 003, week 4
 * "Event Versioning/Upcasting"; pattern: Greg Young, "Versioning in an Event Sourced System", ch. 5,
 * and Emmett's `upcast` on read).
 * @module
 */
import type { RecordedEvent } from "../event.ts";

/**
 * Upgrades stored payloads of event `type` written at schema version `fromSchemaVersion` (an integer
 * ≥ 1) to `fromSchemaVersion + 1`. Runs on read, never on write: stored rows stay as written.
 *
 * `upcast` must be pure and total over every payload of that version ever written; it receives the
 * whole stored event (id, metadata, ...) second, for upcasts that need it. What it throws is reported
 * as AllFrameError `"internal"` naming the event.
 *
 * @example
 * const qtyToQuantity: Upcaster<{ qty: number }, { quantity: number }> = {
 *   type: "InventoryReceived",
 *   fromSchemaVersion: 1,
 *   upcast: ({ qty }) => ({ quantity: qty }),
 * };
 */
export interface Upcaster<From = unknown, To = unknown> {
  readonly type: string;
  readonly fromSchemaVersion: number;
  upcast(data: From, event: RecordedEvent): To;
}

/**
 * Types an upcaster's input and output while returning it as a plain `Upcaster`, so it can sit in
 * one array with upcasters of other shapes.
 */
export function defineUpcaster<From, To>(upcaster: Upcaster<From, To>): Upcaster {
  return upcaster as unknown as Upcaster;
}
