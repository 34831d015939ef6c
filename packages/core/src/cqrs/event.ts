/**
 * The shapes of events as they go into and come out of the event store.
 *
 * Versions and positions follow EventStoreDB's convention (seed 001, "CQRS Infrastructure", phase 1
 * "pluggable event store backends"): a stream's events are numbered from 0, so a stream's version is
 * the version of its last event and `-1` means the stream has no events; the global position over all
 * streams starts at 1.
 * @module
 */

/** The minimal shape of a domain event: a type name and its payload. */
export interface EventShape {
  readonly type: string;
  readonly data: unknown;
}

/**
 * The optimistic-concurrency condition an append must meet.
 *
 * - a number `n` (integer ≥ -1): the stream's current version must be exactly `n`, i.e. the version of
 *   its last event (0 after one event); `-1` is the same as `"no-stream"`.
 * - `"any"`: no check.
 * - `"no-stream"`: the stream must have no events.
 * - `"stream-exists"`: the stream must have at least one event.
 */
export type ExpectedVersion = number | "any" | "no-stream" | "stream-exists";

/** The version of a stream that has no events. */
export const NO_STREAM_VERSION = -1;

/** The schema version of an event appended without one. */
export const DEFAULT_SCHEMA_VERSION = 1;

/**
 * The metadata keys AllFrame itself reads and writes; metadata stays free-form `string → string`, these
 * keys are the documented ones (after EventStoreDB's `$correlationId` / `$causationId`):
 *
 * - `correlationId`: the id shared by every message of one business flow (a request, a saga);
 * - `causationId`: the id of the message (command or event) that caused this event;
 * - `tenantId`: the tenant the event belongs to in a multi-tenant service.
 */
export const METADATA_KEYS = {
  correlationId: "correlationId",
  causationId: "causationId",
  tenantId: "tenantId",
} as const;
/** One of {@link METADATA_KEYS}. */
export type MetadataKey = (typeof METADATA_KEYS)[keyof typeof METADATA_KEYS];

/**
 * Event metadata: free-form string pairs; {@link METADATA_KEYS} names the keys with a fixed meaning.
 * @example
 * const metadata: EventMetadata = { correlationId: "req-1", causationId: "cmd-7", tenantId: "acme" };
 */
export type EventMetadata = Readonly<Record<string, string>> & {
  readonly [K in MetadataKey]?: string;
};

/**
 * An event to append. `id` makes appends idempotent: appending an event whose id is already stored in
 * the same stream, at the same place, is a no-op (see `EventStoreBackend.append`). Without an id the
 * store makes one.
 */
export interface NewEvent<E extends EventShape = EventShape> {
  readonly type: E["type"];
  readonly data: E["data"];
  readonly id?: string;
  /** Free-form string pairs; see {@link METADATA_KEYS} for `correlationId`, `causationId`, `tenantId`. */
  readonly metadata?: EventMetadata;
}

/**
 * An event as the store hands it to a backend: id, metadata and timestamp filled in; the backend
 * assigns `streamId`, `version` and `position`.
 */
export interface RecordedEventDraft {
  readonly id: string;
  readonly type: string;
  /** The version of the event's data schema, an integer ≥ 1 (upcasters key on it); default 1. */
  readonly schemaVersion?: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** ISO 8601 UTC timestamp. */
  readonly recordedAt: string;
}

/** An event as stored. Backends hand these out frozen: never mutate one. */
export interface RecordedEvent<E extends EventShape = EventShape> {
  readonly id: string;
  readonly streamId: string;
  /** 0-based number of the event within its stream. */
  readonly version: number;
  /**
   * 1-based position in the log of all streams; strictly increasing in commit order. Positions may
   * have holes (PostgreSQL burns the numbers of a rolled-back append), so never expect `n + 1` after `n`.
   */
  readonly position: number;
  readonly type: E["type"];
  /** The version of the event's data schema, an integer ≥ 1; 1 unless the draft said otherwise. */
  readonly schemaVersion: number;
  readonly data: E["data"];
  readonly metadata: EventMetadata;
  /** ISO 8601 UTC timestamp of the append. */
  readonly recordedAt: string;
}
