/**
 * The row shape both SQL backends read events as, and its conversion to a `RecordedEvent`.
 * @module
 */
import type { EventMetadata, RecordedEvent } from "./event.ts";
import type { Snapshot } from "./event-store-backend.ts";

/**
 * One event as a SQL backend selects it. Numbers may arrive as strings (PostgreSQL `bigint`); `data`
 * and `metadata` are JSON text; `recorded_at` is ISO text (SQLite) or a `Date` (PostgreSQL).
 */
export interface EventRow {
  readonly position: number | string;
  readonly stream_id: string;
  readonly version: number | string;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number | string;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: string | Date;
}

/**
 * The select list that yields an {@link EventRow} from PostgreSQL's events table, JSON cast to text
 * (SQLite's joins its streams table: `sqlite-schema.ts`).
 */
export const POSTGRES_EVENT_COLUMNS =
  "position, stream_id, version, event_id, type, schema_version, data::text AS data, metadata::text AS metadata, recorded_at";

/** Converts a row to a deeply frozen `RecordedEvent`. */
export function eventFromRow(row: EventRow): RecordedEvent {
  return deepFreeze({
    id: row.event_id,
    streamId: row.stream_id,
    version: Number(row.version),
    position: Number(row.position),
    type: row.type,
    schemaVersion: Number(row.schema_version),
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: isoString(row.recorded_at),
  });
}

/** One snapshot as a SQL backend selects it. */
export interface SnapshotRow {
  readonly stream_id: string;
  readonly version: number | string;
  readonly schema_version: number | string;
  readonly state: string;
  readonly taken_at: string | Date;
}

/** Converts a row to a deeply frozen `Snapshot`. */
export function snapshotFromRow(row: SnapshotRow): Snapshot {
  return deepFreeze({
    streamId: row.stream_id,
    version: Number(row.version),
    state: JSON.parse(row.state) as unknown,
    schemaVersion: Number(row.schema_version),
    takenAt: isoString(row.taken_at),
  });
}

function isoString(value: string | Date): string {
  return typeof value === "string" ? value : value.toISOString();
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) {
      const child = value[key];
      if (typeof child === "object" && child !== null) deepFreeze(child);
    }
  }
  return value;
}
