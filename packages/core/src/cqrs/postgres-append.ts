/**
 * The client side of PostgreSQL appends: the `allframe_append` and `allframe_append_batch` calls (see
 * `postgres-append-functions.ts`) and what their answers mean.
 * @module
 */
import type pg from "pg";
import { AllFrameError } from "../errors/allframe-error.ts";
import { type EncodedDraft, recordedEvent } from "./draft-encoding.ts";
import type { ExpectedVersion, RecordedEvent } from "./event.ts";
import { assertExpectedVersion, assertWellFormedExpectedVersion } from "./event-store-backend.ts";

const MAX_VERSION = "9223372036854775807";

/** One row of `allframe_append`'s answer. */
export interface AppendRow {
  readonly outcome: "stored" | "conflict" | "empty" | "appended";
  readonly event_version: string | null;
  readonly event_position: string | null;
}

/**
 * The prepared `allframe_append` call for one batch. The expected version goes as the range of stream
 * versions that meet it, so the rule itself stays in `assertExpectedVersion`.
 * @throws AllFrameError `"validation"` for a malformed expected version or a `recordedAt` that does not parse.
 */
export function appendStatement(
  streamId: string,
  expected: ExpectedVersion,
  encoded: readonly EncodedDraft[],
  recordedAt: readonly string[],
): pg.QueryConfig {
  const [min, max] = versionRange(expected);
  return {
    name: "allframe_append_v1",
    text: "SELECT outcome, event_version, event_position FROM allframe_append($1, $2, $3, $4, $5, $6, $7::jsonb[], $8::jsonb[], $9::timestamptz[])",
    values: [
      streamId,
      min,
      max,
      encoded.map((d) => d.id),
      encoded.map((d) => d.type),
      encoded.map((d) => d.schemaVersion),
      encoded.map((d) => d.dataJson),
      encoded.map((d) => d.metadataJson),
      recordedAt,
    ],
  };
}

/** One append of an `allframe_append_batch` call. */
export interface BatchedAppend {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly encoded: readonly EncodedDraft[];
  readonly recordedAt: readonly string[];
}

/** One row of `allframe_append_batch`'s answer: an `AppendRow` of the append at `append_index` (1-based). */
export interface BatchRow extends AppendRow {
  readonly append_index: number;
}

/**
 * The prepared `allframe_append_batch` call for appends to distinct streams, events flattened.
 * @throws AllFrameError `"validation"` for a malformed expected version.
 */
export function appendBatchStatement(appends: readonly BatchedAppend[]): pg.QueryConfig {
  const ranges = appends.map((a) => versionRange(a.expected));
  const events = appends.flatMap((a, i) => a.encoded.map((d, k) => ({ d, i, k, at: a.recordedAt[k] })));
  return {
    name: "allframe_append_batch_v1",
    text:
      "SELECT append_index, outcome, event_version, event_position FROM allframe_append_batch($1, $2, $3, $4, " +
      "$5, $6, $7, $8, $9, $10::jsonb[], $11::jsonb[], $12::timestamptz[])",
    values: [
      appends.map((a) => a.streamId),
      ranges.map((r) => r[0]),
      ranges.map((r) => r[1]),
      appends.map((a) => a.encoded.length),
      events.map((e) => e.i + 1),
      events.map((e) => e.k + 1),
      events.map((e) => e.d.id),
      events.map((e) => e.d.type),
      events.map((e) => e.d.schemaVersion),
      events.map((e) => e.d.dataJson),
      events.map((e) => e.d.metadataJson),
      events.map((e) => e.at ?? e.d.recordedAt),
    ],
  };
}

/**
 * The range of stream versions that meet `expected`, as decimal strings (bigint parameters): the
 * rule itself stays in `assertExpectedVersion`.
 * @throws AllFrameError `"validation"` for a malformed expected version.
 */
function versionRange(expected: ExpectedVersion): [string, string] {
  assertWellFormedExpectedVersion(expected);
  return expected === "any"
    ? ["-1", MAX_VERSION]
    : expected === "no-stream"
      ? ["-1", "-1"]
      : expected === "stream-exists"
        ? ["0", MAX_VERSION]
        : [String(expected), String(expected)];
}

/**
 * Reads `allframe_append`'s answer: the recorded events when appended, `[]` when empty, `"stored"`
 * when some id is already stored (the caller decides between retry and conflict).
 * @throws ConcurrencyError for `"conflict"`.
 */
export function appendOutcome(
  rows: readonly AppendRow[],
  streamId: string,
  expected: ExpectedVersion,
  encoded: readonly EncodedDraft[],
  recordedAt: readonly string[],
): RecordedEvent[] | "stored" {
  const first = rows[0];
  if (first === undefined) throw new AllFrameError("internal", "allframe_append answered nothing");
  if (first.outcome === "stored") return "stored";
  if (first.outcome === "conflict") {
    assertExpectedVersion(streamId, expected, Number(first.event_version));
    throw new AllFrameError("internal", `allframe_append saw a conflict that ${String(expected)} allows`);
  }
  if (first.outcome === "empty") return [];
  let firstVersion = Number.POSITIVE_INFINITY;
  for (const row of rows) firstVersion = Math.min(firstVersion, Number(row.event_version));
  const positions = new Array<number>(encoded.length).fill(Number.NaN);
  for (const row of rows) positions[Number(row.event_version) - firstVersion] = Number(row.event_position);
  return encoded.map((d, i) =>
    recordedEvent(streamId, firstVersion + i, positions[i] ?? Number.NaN, d, recordedAt[i] ?? d.recordedAt),
  );
}

/**
 * The drafts' `recordedAt` as PostgreSQL will give them back (`timestamptz` keeps the instant, not the text).
 * @throws AllFrameError `"validation"` for a timestamp that does not parse.
 */
export function isoTimestamps(encoded: readonly EncodedDraft[]): string[] {
  // A batch's drafts usually share one timestamp: parse each distinct one once.
  let text = "";
  let iso = "";
  return encoded.map((d) => {
    if (d.recordedAt !== text) {
      const at = new Date(d.recordedAt);
      if (Number.isNaN(at.getTime())) {
        throw new AllFrameError("validation", `event "${d.type}": recordedAt is not an ISO 8601 timestamp`);
      }
      text = d.recordedAt;
      iso = at.toISOString();
    }
    return iso;
  });
}
