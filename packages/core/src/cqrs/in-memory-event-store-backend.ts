/**
 * The embedded event store backend: every stream in process memory. Used by `npm run dev` and unit
 * tests; lost on restart.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import {
  type ExpectedVersion,
  NO_STREAM_VERSION,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";
import { assertExpectedVersion, type EventStoreBackend } from "./event-store-backend.ts";

/**
 * Keeps the log as one array (index = position - 1) plus an index per stream and per event id.
 *
 * Event data goes through a JSON round trip on append, as it would through a SQL backend, so a `Date`
 * comes back as a string here exactly as it will from SQLite or PostgreSQL; stored events are deeply
 * frozen and handed out as is. Appends are atomic because each one runs synchronously between awaits.
 *
 * @throws see `EventStoreBackend.append`; also AllFrameError `"validation"` for data JSON cannot encode.
 */
export class InMemoryEventStoreBackend implements EventStoreBackend {
  readonly #log: RecordedEvent[] = [];
  readonly #streams = new Map<string, RecordedEvent[]>();
  readonly #byId = new Map<string, RecordedEvent>();

  async append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
  ): Promise<RecordedEvent[]> {
    const stream = this.#streams.get(streamId) ?? [];
    const replay = this.#replayOf(streamId, drafts);
    if (replay) return replay;
    assertExpectedVersion(streamId, expected, stream.length - 1);
    if (drafts.length === 0) return [];

    const recorded = drafts.map((draft, i) =>
      deepFreeze({
        id: draft.id,
        streamId,
        version: stream.length + i,
        position: this.#log.length + 1 + i,
        type: draft.type,
        data: jsonCopy(draft.data, draft.type),
        metadata: { ...draft.metadata },
        recordedAt: draft.recordedAt,
      }),
    );
    // Nothing below can throw, so the append is all-or-nothing.
    this.#log.push(...recorded);
    stream.push(...recorded);
    this.#streams.set(streamId, stream);
    for (const event of recorded) this.#byId.set(event.id, event);
    return recorded;
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    return (this.#streams.get(streamId) ?? []).slice(Math.max(0, fromVersion));
  }

  async readAll(fromPosition = 1, limit = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> {
    const start = Math.max(0, fromPosition - 1);
    return this.#log.slice(
      start,
      limit === Number.POSITIVE_INFINITY ? undefined : start + Math.max(0, limit),
    );
  }

  async streamVersion(streamId: string): Promise<number> {
    return (this.#streams.get(streamId)?.length ?? 0) + NO_STREAM_VERSION;
  }

  /** The stored events when `drafts` is an exact retry, `undefined` when all ids are new; else throws. */
  #replayOf(streamId: string, drafts: readonly RecordedEventDraft[]): RecordedEvent[] | undefined {
    const ids = new Set(drafts.map((d) => d.id));
    if (ids.size !== drafts.length)
      throw new AllFrameError("validation", "an append carries the same event id twice");
    const stored = drafts.map((d) => this.#byId.get(d.id));
    const known = stored.filter((e) => e !== undefined);
    if (known.length === 0) return undefined;
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
}

function jsonCopy(data: unknown, type: string): unknown {
  try {
    const text = JSON.stringify(data);
    return text === undefined ? null : JSON.parse(text);
  } catch (cause) {
    throw new AllFrameError("validation", `data of event "${type}" cannot be encoded as JSON`, { cause });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
