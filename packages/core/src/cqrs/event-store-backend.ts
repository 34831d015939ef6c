/**
 * The port every event store backend implements (seed 001, CQRS phase 1: pluggable event store
 * backends). The memory backend is the embedded default; SQLite and PostgreSQL backends come later and
 * must pass the same contract suite (`event-store-backend.contract.ts`).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { ConcurrencyError } from "./concurrency-error.ts";
import {
  type ExpectedVersion,
  NO_STREAM_VERSION,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";

/** Storage for event streams. Every method may reject with an AllFrameError. */
export interface EventStoreBackend {
  /**
   * Appends `events` to the end of `streamId` atomically, if the stream's version meets `expected`.
   * Assigns versions (continuing the stream, from 0) and global positions (continuing the log, from 1).
   *
   * Idempotent by event id: if every draft's id is already stored in this stream, in the same order and
   * with the same types, the call is a no-op that resolves with the stored events (the expected version
   * is not checked again, so a retry after a lost reply succeeds). An empty `events` only checks
   * `expected` and resolves with `[]`.
   *
   * @throws ConcurrencyError (code `"concurrency"`) when the version does not meet `expected`.
   * @throws AllFrameError `"conflict"` when some but not all ids are stored, or an id is stored in
   *   another stream or at another place; `"validation"` for a duplicate id within `events` or an
   *   expected version that is not an integer ≥ -1 nor one of the named conditions.
   */
  append(
    streamId: string,
    events: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
  ): Promise<RecordedEvent[]>;
  /** The stream's events with `version >= fromVersion` (default 0), in version order; `[]` for no stream. */
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
  /** Events of all streams with `position >= fromPosition` (default 1), in position order, at most `limit`. */
  readAll(fromPosition?: number, limit?: number): Promise<RecordedEvent[]>;
  /** The stream's version: the version of its last event, -1 when it has none. */
  streamVersion(streamId: string): Promise<number>;
}

/**
 * Checks `expected` against a stream's `actual` version; the one rule every backend applies.
 * @throws AllFrameError `"validation"` for a malformed expected version; ConcurrencyError on mismatch.
 */
export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  if (typeof expected === "number") {
    if (!Number.isInteger(expected) || expected < NO_STREAM_VERSION) {
      throw new AllFrameError("validation", `expected version must be an integer >= -1, got ${expected}`);
    }
  } else if (!NAMED_CONDITIONS.includes(expected)) {
    throw new AllFrameError("validation", `unknown expected version ${JSON.stringify(expected)}`);
  }
  const ok =
    expected === "any" ||
    (expected === "no-stream" && actual === NO_STREAM_VERSION) ||
    (expected === "stream-exists" && actual > NO_STREAM_VERSION) ||
    expected === actual;
  if (!ok) throw new ConcurrencyError(streamId, expected, actual);
}

const NAMED_CONDITIONS: readonly string[] = ["any", "no-stream", "stream-exists"] as const;
