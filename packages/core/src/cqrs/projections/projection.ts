/**
 * What a projection is: a read model fed by events (seed 001, "CQRS Infrastructure" phase 3,
 * ProjectionRegistry; seed 000, the inventory-service's InventoryLevel / StockHistory / LowStockAlert).
 * @module
 */
import { AllFrameError, isAllFrameError } from "../../errors/allframe-error.ts";
import type { RecordedEvent } from "../event.ts";
import type { InlineTransaction } from "../event-types.ts";

/**
 * How a projection is kept current:
 * - `"inline"`: inside each append's transaction, so a query right after a command sees its effect, and
 *   a projection that throws fails the append (nothing is stored);
 * - `"async"`: afterwards, by a catch-up subscription from a durable checkpoint under the projection's
 *   name; at-least-once, so `apply` must be idempotent.
 */
export const PROJECTION_KINDS = ["inline", "async"] as const;
/** One of `PROJECTION_KINDS`. */
export type ProjectionKind = (typeof PROJECTION_KINDS)[number];

/**
 * The transaction a projection writes in. Inline: the append's (`query` on SQL backends,
 * `backendTransaction` for checkpoints). Async and rebuilds: no database transaction (`query` absent);
 * `onRollback` undoes in-memory writes when `apply` throws.
 */
export type ProjectionTransaction = InlineTransaction;

/**
 * A read model fed by events. `handles` lists the event types it applies (`"*"` for every type);
 * `apply` must be deterministic, since a rebuild replays the whole log through it; `reset`, when
 * present, clears the read model before a rebuild.
 */
export interface Projection {
  readonly name: string;
  readonly handles: readonly string[];
  /** Default `"inline"`. */
  readonly kind?: ProjectionKind;
  apply(event: RecordedEvent, tx: ProjectionTransaction): void | Promise<void>;
  reset?(): void | Promise<void>;
}

/** The states a projection can be in; `failed` ones receive nothing until rebuilt or resumed. */
export const PROJECTION_STATES = ["live", "rebuilding", "failed", "stopped"] as const;
/** One of `PROJECTION_STATES`. */
export type ProjectionState = (typeof PROJECTION_STATES)[number];

/** How a projection is doing. */
export interface ProjectionStatus {
  readonly name: string;
  readonly kind: ProjectionKind;
  readonly state: ProjectionState;
  /** Global position of the last event this projection has seen (its checkpoint when async); 0 before any. */
  readonly position: number;
  readonly error?: string;
}

/** Whether `projection` applies events of `type`. */
export function handlesType(projection: Projection, type: string): boolean {
  return projection.handles.includes("*") || projection.handles.includes(type);
}

/**
 * The error a failing `apply` turns into: AllFrameErrors pass unchanged (a projection may reject on
 * purpose); anything else becomes `"internal"`, naming the projection and the event, with the original
 * as `cause`.
 */
export function projectionError(name: string, event: RecordedEvent, cause: unknown): AllFrameError {
  if (isAllFrameError(cause)) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new AllFrameError(
    "internal",
    `projection "${name}" failed on "${event.type}" at position ${event.position}: ${message}`,
    { cause, details: { projection: name, eventId: event.id, position: event.position } },
  );
}

/** A transaction for work outside an append: no database handle, undo hooks run by the caller. */
export function detachedTransaction(
  kind: InlineTransaction["kind"],
  undo: Array<() => void>,
): InlineTransaction {
  return { kind, onRollback: (fn) => void undo.push(fn) };
}

/** Runs `undo` newest first, ignoring failures (the read model is being abandoned or reset anyway). */
export function runUndo(undo: Array<() => void>): void {
  for (const fn of undo.reverse()) {
    try {
      fn();
    } catch {
      // an undo that fails leaves the row as the failed apply wrote it; the projection is marked failed
    }
  }
  undo.length = 0;
}
