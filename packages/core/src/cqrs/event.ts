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

/**
 * An event to append. `id` makes appends idempotent: appending an event whose id is already stored in
 * the same stream, at the same place, is a no-op (see `EventStoreBackend.append`). Without an id the
 * store makes one.
 */
export interface NewEvent<E extends EventShape = EventShape> {
  readonly type: E["type"];
  readonly data: E["data"];
  readonly id?: string;
  /** Free-form string pairs, e.g. `correlationId`, `causationId`, `userId`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * An event as the store hands it to a backend: id, metadata and timestamp filled in; the backend
 * assigns `streamId`, `version` and `position`.
 */
export interface RecordedEventDraft {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, string>>;
  /** ISO 8601 UTC timestamp. */
  readonly recordedAt: string;
}

/** An event as stored. Backends hand these out frozen: never mutate one. */
export interface RecordedEvent<E extends EventShape = EventShape> {
  readonly id: string;
  readonly streamId: string;
  /** 0-based number of the event within its stream. */
  readonly version: number;
  /** 1-based position in the log of all streams; strictly increasing in commit order. */
  readonly position: number;
  readonly type: E["type"];
  readonly data: E["data"];
  readonly metadata: Readonly<Record<string, string>>;
  /** ISO 8601 UTC timestamp of the append. */
  readonly recordedAt: string;
}
