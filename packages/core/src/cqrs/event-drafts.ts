/**
 * Turns the events a caller appends into the drafts a backend stores: validated, with ids, timestamps,
 * schema versions and the first-class metadata keys stamped.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock } from "../runtime/clock.ts";
import { uuidV7, uuidV7Generator } from "../runtime/uuid-v7.ts";
import {
  type EventMetadata,
  METADATA_KEYS,
  type MetadataKey,
  type NewEvent,
  type RecordedEventDraft,
} from "./event.ts";
import { EMPTY_JSON_OBJECT } from "./frozen-json-copy.ts";

/** Metadata an append stamps on each of its events (`METADATA_KEYS`); an event's own metadata wins. */
export type AppendMetadata = { readonly [K in MetadataKey]?: string };

const STAMPED: readonly MetadataKey[] = Object.values(METADATA_KEYS);

/** What drafting needs from the store. */
export interface DraftContext {
  /** The ISO 8601 UTC timestamp of now (see {@link IsoNow}); read once per append, before any id. */
  readonly recordedAt: () => string;
  /** Makes the id of each event that has none (see {@link storeIds}). */
  readonly ids: IdGenerator;
  /** The schema version new events of `type` are written with. */
  readonly schemaVersionOf: (type: string) => number;
}

/** The metadata of an event appended with none and no stamped keys: frozen, so shared, and free to copy. */
const NO_METADATA: EventMetadata = EMPTY_JSON_OBJECT;

/**
 * Validates `events` and makes their drafts. A draft may share the caller's metadata object: the
 * backend copies (or encodes) it before the append resolves.
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
  // Most appends stamp nothing: three named reads decide it, before any keyed lookup.
  const { correlationId, causationId, tenantId } = stamped;
  const base =
    correlationId === undefined && causationId === undefined && tenantId === undefined
      ? undefined
      : stampedMetadata(stamped);
  const recordedAt = ctx.recordedAt();
  const drafts = new Array<RecordedEventDraft>(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as NewEvent;
    if (typeof event.type !== "string" || event.type.length === 0) {
      throw invalid(i, ["type"], "type must be a non-empty string");
    }
    if (event.id !== undefined && (typeof event.id !== "string" || event.id.length === 0)) {
      throw invalid(i, ["id"], "id must be a non-empty string when given");
    }
    const own = event.metadata;
    if (own !== undefined) {
      for (const key of Object.keys(own)) {
        if (typeof own[key] !== "string") {
          throw invalid(i, ["metadata", key], `metadata "${key}" must be a string`);
        }
      }
    }
    drafts[i] = {
      id: event.id ?? ctx.ids(),
      type: event.type,
      data: event.data,
      metadata: own === undefined ? (base ?? NO_METADATA) : base === undefined ? own : { ...base, ...own },
      recordedAt,
      schemaVersion: ctx.schemaVersionOf(event.type),
    };
  }
  return drafts;
}

/** The stamped keys of an append, checked. */
function stampedMetadata(stamped: AppendMetadata): Record<string, string> {
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
  return base;
}

/** True when some event carries its own id (so the append may be a retry of a stored one). */
export function hasOwnIds(events: readonly NewEvent[]): boolean {
  for (const event of events) if (event.id !== undefined) return true;
  return false;
}

/**
 * `clock.now()` as an ISO 8601 string, remembering the last one: `toISOString` costs more than the
 * rest of a memory append, and thousands of appends share each millisecond. On the system clock it
 * reads `Date.now()`, sparing a `Date` per append.
 */
export class IsoNow {
  readonly #ms: () => number;
  #last = Number.NaN;
  #iso = "";
  /** True on the system clock, whose readings event ids may share (see {@link storeIds}). */
  readonly wallClock: boolean;

  constructor(clock: Clock) {
    this.wallClock = clock === systemClock;
    this.#ms = this.wallClock ? Date.now : () => clock.now().getTime();
  }

  /** The millisecond (since the Unix epoch) `now()` last read; NaN before the first read. */
  get lastMs(): number {
    return this.#last;
  }

  /** @throws RangeError when the clock gives an invalid date. */
  now(): string {
    const ms = this.#ms();
    if (ms !== this.#last) {
      this.#iso = new Date(ms).toISOString();
      this.#last = ms;
    }
    return this.#iso;
  }
}

/**
 * The ids a store makes when its caller gives no generator: UUIDv7 (`uuidV7`). On the system clock
 * they take the millisecond `now` read for the append's timestamp (drafting reads it first), sparing
 * a second clock read per event; on any other clock they follow the wall clock, as `uuidV7Generator`.
 */
export function storeIds(now: IsoNow): IdGenerator {
  if (!now.wallClock) return uuidV7Generator;
  return () => {
    const ms = now.lastMs;
    return Number.isNaN(ms) ? uuidV7() : uuidV7(ms);
  };
}

function invalid(index: number, path: ReadonlyArray<string>, message: string): AllFrameError {
  return new AllFrameError("validation", `event ${index}: ${message}`, {
    issues: [{ path: [index, ...path], message }],
  });
}
