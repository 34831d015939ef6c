/**
 * The port every event store backend implements (seed 001, CQRS phase 1: pluggable event store
 * backends; seed 003, `EventStoreBackend`). Implementations: memory (embedded default for tests),
 * SQLite file (embedded durable default for `npm run dev`), PostgreSQL. All pass one contract suite
 * (`event-store-backend.contract.ts`) and one reliability suite (`event-store-backend.reliability.ts`).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { ConcurrencyError } from "./concurrency-error.ts";
import { encodeJson } from "./draft-encoding.ts";
import {
  type ExpectedVersion,
  NO_STREAM_VERSION,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";

/** The kinds of backend; also the `kind` of their transactions. */
export type EventStoreBackendKind = "memory" | "sqlite" | "postgres";

/** The latest saved state of one stream's aggregate, so loading it replays only later events. */
export interface Snapshot {
  readonly streamId: string;
  /** The stream version the state includes (the version of the last event folded into it). */
  readonly version: number;
  /** The aggregate's state; stored as JSON, so it comes back as JSON.parse would give it. */
  readonly state: unknown;
  /** The version of the state's schema, an integer ≥ 1: a loader discards snapshots it cannot read. */
  readonly schemaVersion: number;
  /** ISO 8601 UTC timestamp of when the snapshot was taken. */
  readonly takenAt: string;
}

/**
 * A handle to an append's own transaction, so inline projections write in it: their rows commit with
 * the events or not at all. SQL backends expose `query` (SQLite `?` placeholders, PostgreSQL `$1`);
 * the memory backend has none. Valid only until the `inTransaction` callback settles.
 */
export interface BackendTransaction {
  readonly kind: EventStoreBackendKind;
  /**
   * Runs one SQL statement in the transaction and resolves with its rows (`[]` for a statement
   * without results).
   * @throws AllFrameError `"unsupported"` after the transaction has ended; the driver's error otherwise.
   */
  query?<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** Options of one append. */
export interface AppendOptions {
  /**
   * Runs inside the append's transaction after the events are written, with the recorded events;
   * throwing rolls everything back (no event, no row it wrote) and `append` rejects with that error.
   * Not called for an idempotent retry nor for an empty append. While it runs, other appends to the
   * same storage wait (SQLite, memory) or proceed but stay invisible to `readAll` (PostgreSQL), so
   * keep it short. Write only through `tx` and `saveCheckpoint(name, position, tx)`: the backend's
   * other writing methods would wait for this very transaction.
   */
  readonly inTransaction?: (tx: BackendTransaction, recorded: readonly RecordedEvent[]) => Promise<void>;
  /**
   * True when the caller made every draft's id just now (the store's id generator, none from its own
   * caller): such ids cannot be stored yet, so no draft can be an idempotent retry and a backend may
   * skip looking them up. A backend keeps rejecting a stored id all the same (SQL: the unique index).
   */
  readonly newIds?: boolean;
}

/** Counts over the whole store. */
export interface EventStoreStats {
  /** Streams with at least one event. */
  readonly streams: number;
  /** Events stored. */
  readonly events: number;
  /** The highest position stored, 0 when empty. */
  readonly lastPosition: number;
}

/**
 * Storage for event streams, snapshots and checkpoints. Every method may reject with an
 * AllFrameError: `"unavailable"` after `close()` or when the storage cannot be reached, `"internal"`
 * for a storage failure nobody expects.
 */
export interface EventStoreBackend {
  readonly kind: EventStoreBackendKind;
  /**
   * Appends `drafts` to the end of `streamId` atomically, if the stream's version meets `expected`.
   * Assigns versions (continuing the stream, from 0) and global positions (continuing the log, from 1).
   *
   * Idempotent by event id: if every draft's id is already stored in this stream, in the same order and
   * with the same types, the call is a no-op that resolves with the stored events (the expected version
   * is not checked again, so a retry after a lost reply succeeds). An empty `drafts` only checks
   * `expected` and resolves with `[]`. Resolves, as the reads do, with a new array the caller owns.
   *
   * @throws ConcurrencyError (code `"concurrency"`) when the version does not meet `expected`.
   * @throws AllFrameError `"conflict"` when some but not all ids are stored, or an id is stored in
   *   another stream or at another place; `"validation"` for a duplicate id within `drafts`, a schema
   *   version that is not an integer ≥ 1, data JSON cannot encode, or an expected version that is not
   *   an integer ≥ -1 nor one of the named conditions; whatever `options.inTransaction` throws.
   */
  append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<RecordedEvent[]>;
  /**
   * Optional: `append` without `inTransaction`, done synchronously, for a backend that stores without
   * I/O (memory), so the store saves a promise and a turn of the microtask queue per append. Answers
   * `undefined`, having done nothing, when it cannot append right now (an `inTransaction` append holds
   * the write turn); the caller then uses `append`. Same answers and errors as `append` otherwise
   * (thrown, not rejected).
   */
  appendNow?(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    options?: Pick<AppendOptions, "newIds">,
  ): RecordedEvent[] | undefined;
  /** The stream's events with `version >= fromVersion` (default 0), in version order; `[]` for no stream. */
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
  /**
   * Events of all streams with `position >= fromPosition` (default 1), in position order, at most
   * `limit`. Never returns an event at a position while an event at an earlier position can still
   * commit later, so a reader that resumes after the last position it saw misses nothing.
   */
  readAll(fromPosition?: number, limit?: number): Promise<RecordedEvent[]>;
  /** The stream's version: the version of its last event, -1 when it has none. */
  streamVersion(streamId: string): Promise<number>;
  /**
   * Stores `snapshot` as the stream's latest, unless the stored one has a higher version (a late,
   * older snapshot never replaces a newer one; an equal version replaces it).
   * @throws AllFrameError `"validation"` for a version < 0, a schema version < 1 or state JSON cannot encode.
   */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** The stream's latest snapshot, or undefined. */
  loadSnapshot(streamId: string): Promise<Snapshot | undefined>;
  /** The position a named projection or subscription has processed up to; 0 when none was saved. */
  loadCheckpoint(name: string): Promise<number>;
  /**
   * Saves a checkpoint (overwriting, so `0` restarts a rebuild). With `tx` (from this backend's
   * `inTransaction`), it commits or rolls back with that append.
   * @throws AllFrameError `"validation"` for a position that is not an integer ≥ 0, or a `tx` of another kind.
   */
  saveCheckpoint(name: string, position: number, tx?: BackendTransaction): Promise<void>;
  /** Resolves once everything appended so far is durable (SQLite: WAL checkpoint; memory, PostgreSQL: no-op). */
  flush(): Promise<void>;
  stats(): Promise<EventStoreStats>;
  /** Waits for work in flight, then releases the storage; later calls reject with `"unavailable"`. */
  close(): Promise<void>;
}

/**
 * Checks `expected` against a stream's `actual` version; the one rule every backend applies.
 * @throws AllFrameError `"validation"` for a malformed expected version; ConcurrencyError on mismatch.
 */
export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  assertWellFormedExpectedVersion(expected);
  const ok =
    expected === "any" ||
    (expected === "no-stream" && actual === NO_STREAM_VERSION) ||
    (expected === "stream-exists" && actual > NO_STREAM_VERSION) ||
    expected === actual;
  if (!ok) throw new ConcurrencyError(streamId, expected, actual);
}

/**
 * Checks that `expected` is an integer ≥ -1 or one of the named conditions.
 * @throws AllFrameError `"validation"` otherwise.
 */
export function assertWellFormedExpectedVersion(expected: ExpectedVersion): void {
  if (typeof expected === "number") {
    if (!Number.isInteger(expected) || expected < NO_STREAM_VERSION) {
      throw new AllFrameError("validation", `expected version must be an integer >= -1, got ${expected}`);
    }
  } else if (!NAMED_CONDITIONS.includes(expected)) {
    throw new AllFrameError("validation", `unknown expected version ${JSON.stringify(expected)}`);
  }
}

const NAMED_CONDITIONS: readonly string[] = ["any", "no-stream", "stream-exists"] as const;

/**
 * Decides whether a batch whose ids are (partly) stored is an exact retry. `stored` holds the stored
 * events among the drafts' ids, in any order. Returns the stored events in draft order for an exact
 * retry, `undefined` when no id is stored.
 * @throws AllFrameError `"conflict"` for a partial match, another stream, another type or another order.
 */
export function matchRetry(
  streamId: string,
  drafts: readonly { readonly id: string; readonly type: string }[],
  stored: readonly RecordedEvent[],
): RecordedEvent[] | undefined {
  if (stored.length === 0) return undefined;
  const byId = new Map(stored.map((e) => [e.id, e]));
  const known = drafts.map((d) => byId.get(d.id)).filter((e) => e !== undefined);
  const exact =
    known.length === drafts.length &&
    known.every(
      (e, i) =>
        e.streamId === streamId &&
        e.type === drafts[i]?.type &&
        (i === 0 || e.version === (known[i - 1]?.version ?? 0) + 1),
    );
  if (!exact) {
    throw new AllFrameError(
      "conflict",
      `stream "${streamId}": ${known.length} of ${drafts.length} event ids are already stored, ` +
        "but not as this exact batch; use new ids for new events",
      { details: { streamId, storedIds: known.map((e) => e.id) } },
    );
  }
  return known;
}

/**
 * Checks a checkpoint before saving it.
 * @throws AllFrameError `"validation"` for an empty name or a position that is not an integer ≥ 0.
 */
export function assertCheckpoint(name: string, position: number): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new AllFrameError("validation", "checkpoint name must be a non-empty string");
  }
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new AllFrameError(
      "validation",
      `checkpoint "${name}": position must be an integer >= 0, got ${position}`,
    );
  }
}

/**
 * Checks a snapshot and encodes its state as JSON.
 * @throws AllFrameError `"validation"` for an empty stream id, a version < 0, a schema version < 1,
 *   or state JSON cannot encode.
 */
export function encodeSnapshotState(snapshot: Snapshot): string {
  if (typeof snapshot.streamId !== "string" || snapshot.streamId.length === 0) {
    throw new AllFrameError("validation", "snapshot stream id must be a non-empty string");
  }
  if (!Number.isSafeInteger(snapshot.version) || snapshot.version < 0) {
    throw new AllFrameError(
      "validation",
      `snapshot version must be an integer >= 0, got ${snapshot.version}`,
    );
  }
  if (!Number.isInteger(snapshot.schemaVersion) || snapshot.schemaVersion < 1) {
    throw new AllFrameError(
      "validation",
      `snapshot schema version must be an integer >= 1, got ${snapshot.schemaVersion}`,
    );
  }
  return encodeJson(snapshot.state, `snapshot state of stream "${snapshot.streamId}"`);
}

/** The error every backend throws once closed. */
export function closedBackendError(kind: EventStoreBackendKind): AllFrameError {
  return new AllFrameError("unavailable", `the ${kind} event store backend is closed`);
}

/** The error a transaction handle throws once its transaction has ended. */
export function endedTransactionError(): AllFrameError {
  return new AllFrameError(
    "unsupported",
    "this backend transaction has ended; use the handle only inside the inTransaction callback",
  );
}
