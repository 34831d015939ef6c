/**
 * The optimistic-concurrency failure of an append (pattern: Emmett's `ExpectedVersionConflictError`,
 * which exposes `current` and `expected`; EventStoreDB's `WrongExpectedVersion`).
 * @module
 */
import { AllFrameError, hasErrorCode } from "../errors/allframe-error.ts";
import type { ExpectedVersion } from "./event.ts";

/**
 * Thrown by an append when the stream's version does not meet the expected version. Code
 * `"concurrency"` (HTTP 409, gRPC ABORTED). `actual` is the stream's version at the time of the
 * check (-1 for no stream); re-read the stream and decide again.
 *
 * @example
 * try { await store.append("order-1", events, { expectedVersion: 4 }); }
 * catch (e) { if (isConcurrencyError(e)) console.log(e.expected, e.actual); }
 */
export class ConcurrencyError extends AllFrameError {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly actual: number;

  constructor(streamId: string, expected: ExpectedVersion, actual: number) {
    super(
      "concurrency",
      `stream "${streamId}": expected version ${String(expected)}, but the stream is at version ${actual}`,
      { details: { streamId, expected, actual } },
    );
    this.name = "ConcurrencyError";
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * True for a ConcurrencyError, even one from another copy of this package: checks the AllFrame marker,
 * the `"concurrency"` code and the `streamId`/`actual` fields rather than the class.
 */
export function isConcurrencyError(error: unknown): error is ConcurrencyError {
  if (!hasErrorCode(error, "concurrency")) return false;
  const fields = error as unknown as Record<string, unknown>;
  return typeof fields.streamId === "string" && typeof fields.actual === "number" && "expected" in fields;
}
