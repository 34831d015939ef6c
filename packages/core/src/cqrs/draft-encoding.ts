/**
 * What every backend does with a batch of drafts before and after storing it: check it, encode it as
 * JSON for a SQL table, and build the frozen `RecordedEvent`s the append resolves with.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import {
  DEFAULT_SCHEMA_VERSION,
  type EventMetadata,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";
import { EMPTY_JSON_OBJECT, frozenJsonCopy } from "./frozen-json-copy.ts";

/** A draft checked and encoded for storage: the shape the SQL backends write. */
export interface EncodedDraft {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** `JSON.stringify(data)`; `"null"` for undefined. */
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: string;
  /** The draft's own data and metadata, from which {@link recordedEvent} makes the frozen copies. */
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/**
 * Validates a batch before any storage is touched.
 * @throws AllFrameError `"validation"` for a duplicate id or a schema version that is not an integer ≥ 1.
 */
export function checkDrafts(drafts: readonly RecordedEventDraft[]): void {
  if (drafts.length > 1 && new Set(drafts.map((d) => d.id)).size !== drafts.length) {
    throw new AllFrameError("validation", "an append carries the same event id twice");
  }
  for (const draft of drafts) schemaVersionOf(draft);
}

/**
 * The draft's schema version, 1 when it has none.
 * @throws AllFrameError `"validation"` when it is not an integer ≥ 1.
 */
export function schemaVersionOf(draft: RecordedEventDraft): number {
  const schemaVersion = draft.schemaVersion ?? DEFAULT_SCHEMA_VERSION;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new AllFrameError(
      "validation",
      `event "${draft.type}": schema version must be an integer >= 1, got ${schemaVersion}`,
    );
  }
  return schemaVersion;
}

/**
 * Validates a batch before any storage is touched, and encodes each draft's data and metadata as JSON.
 * @throws AllFrameError `"validation"` for a duplicate id, a bad schema version, or data JSON cannot encode.
 */
export function encodeDrafts(drafts: readonly RecordedEventDraft[]): EncodedDraft[] {
  checkDrafts(drafts);
  // The events of one append usually share one metadata object (the stamped keys): encode it once.
  let lastMetadata: EventMetadata | undefined;
  let lastMetadataJson = "";
  return drafts.map((draft) => {
    let dataJson: string;
    try {
      dataJson = JSON.stringify(draft.data) ?? "null";
    } catch (cause) {
      throw cannotEncode(draft.type, cause);
    }
    const metadata = draft.metadata ?? {};
    if (metadata !== lastMetadata) {
      lastMetadata = metadata;
      lastMetadataJson = JSON.stringify(metadata);
    }
    return {
      id: draft.id,
      type: draft.type,
      schemaVersion: schemaVersionOf(draft),
      dataJson,
      metadataJson: lastMetadataJson,
      recordedAt: draft.recordedAt,
      data: draft.data,
      metadata,
    };
  });
}

/**
 * `JSON.stringify(value)`, with `"null"` for undefined.
 * @throws AllFrameError `"validation"` naming `what` when JSON cannot encode the value (a cycle, a BigInt).
 */
export function encodeJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch (cause) {
    throw new AllFrameError("validation", `${what} cannot be encoded as JSON`, { cause });
  }
}

/**
 * The frozen `RecordedEvent` of a checked draft (or an `EncodedDraft`) stored at `version` and `position`. Its data and metadata are
 * deep copies made as a JSON round trip would make them (see `frozenJsonCopy`), so the event equals
 * what a later read returns and the caller's objects stay its own.
 * @throws AllFrameError `"validation"` when JSON cannot encode the draft's data.
 */
export function recordedEvent(
  streamId: string,
  version: number,
  position: number,
  draft: RecordedEventDraft,
  recordedAt: string = draft.recordedAt,
): RecordedEvent {
  let data: unknown;
  try {
    data = frozenJsonCopy(draft.data);
  } catch (cause) {
    throw cannotEncode(draft.type, cause);
  }
  return Object.freeze({
    id: draft.id,
    streamId,
    version,
    position,
    type: draft.type,
    schemaVersion: draft.schemaVersion ?? DEFAULT_SCHEMA_VERSION,
    data,
    metadata: frozenJsonCopy(draft.metadata ?? EMPTY_JSON_OBJECT) as EventMetadata,
    recordedAt,
  });
}

function cannotEncode(type: string, cause: unknown): AllFrameError {
  return new AllFrameError("validation", `data of event "${type}" cannot be encoded as JSON`, { cause });
}
