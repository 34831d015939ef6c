/**
 * Turns the events a caller appends into the drafts a backend stores: validated, with ids, timestamps,
 * schema versions and the first-class metadata keys stamped.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Clock, IdGenerator } from "../runtime/clock.ts";
import { METADATA_KEYS, type MetadataKey, type NewEvent, type RecordedEventDraft } from "./event.ts";

/** Metadata an append stamps on each of its events (`METADATA_KEYS`); an event's own metadata wins. */
export type AppendMetadata = { readonly [K in MetadataKey]?: string };

const STAMPED: readonly MetadataKey[] = Object.values(METADATA_KEYS);

/** What drafting needs from the store. */
export interface DraftContext {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The schema version new events of `type` are written with. */
  readonly schemaVersionOf: (type: string) => number;
}

/**
 * Validates `events` and makes their drafts.
 * @throws AllFrameError `"validation"` (with issue paths such as `[0, "type"]`) for an empty stream id,
 *   a non-array, an empty type or id, non-string metadata, or an empty stamped metadata value.
 */
export function draftEvents(
  ctx: DraftContext,
  streamId: string,
  events: readonly NewEvent[],
  stamped: AppendMetadata,
): RecordedEventDraft[] {
  if (typeof streamId !== "string" || streamId.length === 0) {
    throw new AllFrameError("validation", "stream id must be a non-empty string");
  }
  if (!Array.isArray(events)) throw new AllFrameError("validation", "events must be an array");
  const base: Record<string, string> = {};
  for (const key of STAMPED) {
    const value = stamped[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.length === 0) {
      throw new AllFrameError("validation", `${key} must be a non-empty string when given`, {
        issues: [{ path: [key], message: "must be a non-empty string" }],
      });
    }
    base[key] = value;
  }
  const recordedAt = ctx.clock.now().toISOString();
  return events.map((event, i) => {
    if (typeof event.type !== "string" || event.type.length === 0) {
      throw invalid(i, ["type"], "type must be a non-empty string");
    }
    if (event.id !== undefined && (typeof event.id !== "string" || event.id.length === 0)) {
      throw invalid(i, ["id"], "id must be a non-empty string when given");
    }
    const own = event.metadata ?? {};
    for (const [key, value] of Object.entries(own)) {
      if (typeof value !== "string")
        throw invalid(i, ["metadata", key], `metadata "${key}" must be a string`);
    }
    return {
      id: event.id ?? ctx.ids(),
      type: event.type,
      data: event.data,
      metadata: { ...base, ...own },
      recordedAt,
      schemaVersion: ctx.schemaVersionOf(event.type),
    };
  });
}

function invalid(index: number, path: ReadonlyArray<string>, message: string): AllFrameError {
  return new AllFrameError("validation", `event ${index}: ${message}`, {
    issues: [{ path: [index, ...path], message }],
  });
}
