/**
 * The option and result shapes of `EventStore`.
 * @module
 */
import type { Clock, IdGenerator } from "../runtime/clock.ts";
import type { Sleep } from "./catch-up-subscription.ts";
import type { EventShape, ExpectedVersion } from "./event.ts";
import type { AppendMetadata } from "./event-drafts.ts";
import type { EventStoreBackend, Snapshot } from "./event-store-backend.ts";
import type { Logger, RecordedEventOf } from "./event-types.ts";
import type { Upcaster } from "./upcasting/upcaster.ts";
import type { UpcasterRegistry } from "./upcasting/upcaster-registry.ts";

/** Construction options of `EventStore`. */
export interface EventStoreOptions {
  /** Where events live; default a new `InMemoryEventStoreBackend`. */
  readonly backend?: EventStoreBackend;
  /** Stamps `recordedAt` and snapshots' `takenAt`; default the wall clock. */
  readonly clock?: Clock;
  /**
   * Makes ids for events appended without one; default time-ordered UUIDv7s (`uuidV7Generator`), which
   * keep the backends' unique index on event ids growing at one end.
   */
  readonly ids?: IdGenerator;
  /** Receives failures of subscribers, which never fail an append. */
  readonly logger?: Logger;
  /** Upcasters applied on read; their chains also set the schema version new events are written with. */
  readonly upcasters?: UpcasterRegistry | readonly Upcaster[];
  /** Default poll interval of catch-up subscriptions, in ms (default 500). */
  readonly pollIntervalMs?: number;
  /** How subscriptions wait between polls; inject a fake in tests. Default a real abortable timer. */
  readonly sleep?: Sleep;
}

/** Options of one append: the optimistic-concurrency condition and the metadata stamped on each event. */
export interface AppendEventsOptions extends AppendMetadata {
  /** Default `"any"`; see `ExpectedVersion`. */
  readonly expectedVersion?: ExpectedVersion;
}

/** The outcome of an append. */
export interface AppendResult<E extends EventShape = EventShape> {
  /** The version of the stream after this append's events: pass it as the next `expectedVersion`. */
  readonly nextExpectedVersion: number;
  readonly events: RecordedEventOf<E>[];
}

/** A snapshot to save; `takenAt` defaults to the store's clock, `schemaVersion` to 1. */
export type SnapshotInput = Omit<Snapshot, "takenAt" | "schemaVersion"> &
  Partial<Pick<Snapshot, "takenAt" | "schemaVersion">>;

/** What `EventStore.stats()` returns: the backend's stats plus the store's own counts. */
export type EventStoreRuntimeStats = Awaited<ReturnType<EventStoreBackend["stats"]>> & {
  readonly subscriptions: number;
  readonly inlineHandlers: number;
};
