/**
 * The client side of one PostgreSQL append: the `allframe_append` call (see `postgres-migrations.ts`)
 * and what its answer means.
 * @module
 */
import type pg from "pg";
import { AllFrameError } from "../errors/allframe-error.ts";
import type { ExpectedVersion, RecordedEvent } from "./event.ts";
import { eventFromRow } from "./event-row.ts";
import {
  assertExpectedVersion,
  assertWellFormedExpectedVersion,
  type EncodedDraft,
} from "./event-store-backend.ts";

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
  assertWellFormedExpectedVersion(expected);
  const [min, max] =
    expected === "any"
      ? ["-1", MAX_VERSION]
      : expected === "no-stream"
        ? ["-1", "-1"]
        : expected === "stream-exists"
          ? ["0", MAX_VERSION]
          : [String(expected), String(expected)];
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
  const positions = new Map(rows.map((r) => [Number(r.event_version), r.event_position ?? ""]));
  const firstVersion = Math.min(...rows.map((r) => Number(r.event_version)));
  return encoded.map((d, i) =>
    eventFromRow({
      position: positions.get(firstVersion + i) ?? Number.NaN,
      stream_id: streamId,
      version: firstVersion + i,
      event_id: d.id,
      type: d.type,
      schema_version: d.schemaVersion,
      data: d.dataJson,
      metadata: d.metadataJson,
      recorded_at: recordedAt[i] ?? d.recordedAt,
    }),
  );
}

/**
 * The drafts' `recordedAt` as PostgreSQL will give them back (`timestamptz` keeps the instant, not the text).
 * @throws AllFrameError `"validation"` for a timestamp that does not parse.
 */
export function isoTimestamps(encoded: readonly EncodedDraft[]): string[] {
  return encoded.map((d) => {
    const at = new Date(d.recordedAt);
    if (Number.isNaN(at.getTime())) {
      throw new AllFrameError("validation", `event "${d.type}": recordedAt is not an ISO 8601 timestamp`);
    }
    return at.toISOString();
  });
}
