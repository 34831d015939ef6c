/**
 * Typing helpers over `event.ts` for stores of discriminated unions, and the inline-handler contract.
 * @module
 */
import type { EventShape, NewEvent, RecordedEvent } from "./event.ts";
import type { BackendTransaction } from "./event-store-backend.ts";

/**
 * `RecordedEvent` distributed over a union, so `switch (event.type)` narrows `event.data`
 * (`RecordedEvent<A | B>` alone would pair any type with any payload).
 */
export type RecordedEventOf<E extends EventShape> = E extends EventShape ? RecordedEvent<E> : never;

/** `NewEvent` distributed over a union: each event's `data` must match its `type`. */
export type NewEventOf<E extends EventShape> = E extends EventShape ? NewEvent<E> : never;

/** A pino-compatible logger; only `error` is used here. */
export interface Logger {
  error(obj: object, msg?: string): void;
}

/**
 * The transaction an inline handler runs in: the append's backend transaction, plus `onRollback` to
 * undo in-memory changes should the append not commit (an inline handler after this one throws, or the
 * commit fails).
 */
export interface InlineTransaction {
  readonly kind: BackendTransaction["kind"];
  /** Runs SQL inside the append's transaction (`$1`-style or `?` placeholders, per backend); SQL backends only. */
  query?<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * The backend's own transaction, e.g. for `saveCheckpoint(name, position, tx)`; absent outside an
   * append (async projections and rebuilds, which the backend port gives no transaction of their own).
   */
  readonly backendTransaction?: BackendTransaction;
  /** Registers `undo`, run (newest first) if the append rolls back; for changes outside the database. */
  onRollback(undo: () => void): void;
}

/**
 * Runs with each append's new events (upcast, in version order) inside that append's transaction,
 * before commit; throwing rolls the append back and the append rejects with the error.
 */
export type InlineHandler = (events: readonly RecordedEvent[], tx: InlineTransaction) => void | Promise<void>;
