/**
 * The SQLite event store's tables, and how its driver errors map to AllFrame errors.
 * @module
 */
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";
import type { SchemaMigration } from "./schema-migration.ts";

/**
 * The first layout, as earlier releases created it on every open (hence `IF NOT EXISTS`: on a file
 * they made, this migration finds its tables and only records itself).
 */
const V1_TABLES = `
CREATE TABLE IF NOT EXISTS allframe_events (
  position INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL DEFAULT 1,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (stream_id, version)
) STRICT;
CREATE TABLE IF NOT EXISTS allframe_streams (
  stream_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS allframe_snapshots (
  stream_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  taken_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS allframe_checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`;

/**
 * Integer stream keys. Each event names its stream by `stream_key`, an integer given once per stream
 * in `allframe_streams`, instead of repeating the stream id's text: the (stream, version) index, the
 * one a batch of a new stream extends all over, shrinks to a few bytes per entry. In alternating runs
 * on this machine, 1,000-event batches through the store went from 138,000-168,000 to
 * 156,000-191,000 events/s, and reads stayed as fast. (Keeping UUID ids as 16-byte blobs was measured
 * too: no clear further gain on writes, and reads lost about a quarter to the blob-to-text
 * conversion.) The old rows are copied in position order, streams keyed in the order they began,
 * versions taken from the events themselves; the old tables are then dropped, all in the migration's
 * one transaction. Stop processes of an earlier release before a new one opens the file: their
 * statements name the old columns and fail once it is converted.
 */
const V2_STREAM_KEYS = `
ALTER TABLE allframe_events RENAME TO allframe_events_v1;
ALTER TABLE allframe_streams RENAME TO allframe_streams_v1;
CREATE TABLE allframe_streams (
  stream_key INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL
) STRICT;
CREATE TABLE allframe_events (
  position INTEGER PRIMARY KEY,
  stream_key INTEGER NOT NULL,
  version INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL DEFAULT 1,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (stream_key, version)
) STRICT;
INSERT INTO allframe_streams (stream_id, version)
  SELECT stream_id, max(version) FROM allframe_events_v1 GROUP BY stream_id ORDER BY min(position);
INSERT INTO allframe_events (position, stream_key, version, event_id, type, schema_version, data, metadata, recorded_at)
  SELECT e.position, s.stream_key, e.version, e.event_id, e.type, e.schema_version,
    e.data, e.metadata, e.recorded_at
  FROM allframe_events_v1 e JOIN allframe_streams s ON s.stream_id = e.stream_id ORDER BY e.position;
DROP TABLE allframe_events_v1;
DROP TABLE allframe_streams_v1;
`;

/**
 * The SQLite event store's tables, applied on open by `applySqliteMigrations` (component
 * `"event-store"`). `position` is the rowid: one writer at a time commits positions in order, and a
 * rolled-back append leaves no hole. `allframe_streams.version` duplicates the stream's last event
 * version, so the version check is one indexed lookup and `stats()` never scans events.
 */
export const SQLITE_EVENT_STORE_MIGRATIONS: readonly SchemaMigration[] = [
  { version: 1, name: "events, streams, snapshots, checkpoints", sql: V1_TABLES },
  { version: 2, name: "integer stream keys", sql: V2_STREAM_KEYS },
];

/** The select list of an event, from `allframe_events e` joined to its stream `s`, as an `EventRow`. */
const COLUMNS =
  "e.position, s.stream_id, e.version, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at";

/** Every statement the SQLite backend prepares (and caches, per connection). */
export const SQL = {
  lastPosition: "SELECT coalesce(max(position), 0) AS p FROM allframe_events",
  stream: "SELECT stream_key, version FROM allframe_streams WHERE stream_id = ?",
  newStream: "INSERT INTO allframe_streams (stream_id, version) VALUES (?, ?) RETURNING stream_key",
  setStreamVersion: "UPDATE allframe_streams SET version = ? WHERE stream_key = ?",
  eventsByIds: `SELECT ${COLUMNS} FROM allframe_events e JOIN allframe_streams s ON s.stream_key = e.stream_key
    WHERE e.event_id IN (SELECT value FROM json_each(?))`,
  readStream: `SELECT ${COLUMNS} FROM allframe_streams s JOIN allframe_events e ON e.stream_key = s.stream_key
    WHERE s.stream_id = ? AND e.version >= ? ORDER BY e.version`,
  // CROSS JOIN keeps the events as the outer loop: a position range, each stream found by its key.
  readAll: `SELECT ${COLUMNS} FROM allframe_events e CROSS JOIN allframe_streams s ON s.stream_key = e.stream_key
    WHERE e.position >= ? ORDER BY e.position LIMIT ?`,
  saveSnapshot: `INSERT INTO allframe_snapshots (stream_id, version, schema_version, state, taken_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, schema_version = excluded.schema_version,
      state = excluded.state, taken_at = excluded.taken_at
    WHERE excluded.version >= allframe_snapshots.version`,
  loadSnapshot:
    "SELECT stream_id, version, schema_version, state, taken_at FROM allframe_snapshots WHERE stream_id = ?",
  loadCheckpoint: "SELECT position FROM allframe_checkpoints WHERE name = ?",
  saveCheckpoint:
    "INSERT INTO allframe_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
  streamStats: "SELECT count(*) AS streams, coalesce(sum(version + 1), 0) AS events FROM allframe_streams",
} as const;

interface SqliteDriverError {
  readonly code: "ERR_SQLITE_ERROR";
  readonly errcode: number;
  readonly message: string;
}

function isDriverError(error: unknown): error is SqliteDriverError {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ERR_SQLITE_ERROR"
  );
}

/** True when a unique constraint of `allframe_events` (event id, or stream key and version) was violated. */
export function isEventUniqueViolation(error: unknown): boolean {
  return (
    isDriverError(error) &&
    (error.errcode === 2067 || error.errcode === 1555) &&
    error.message.includes("allframe_events.")
  );
}

const BUSY = 5;
const LOCKED = 6;
const FULL = 13;
const IOERR = 10;
const CANTOPEN = 14;

/**
 * Converts a SQLite driver error to an AllFrameError: `"unavailable"` when the file is locked by
 * another process past the busy timeout, full, or failing I/O; `"internal"` otherwise. Anything that
 * is not a driver error (an AllFrameError, a callback's own error) is returned unchanged.
 */
export function sqliteFailure(error: unknown): unknown {
  if (isAllFrameError(error) || !isDriverError(error)) return error;
  const primary = error.errcode & 0xff;
  if (primary === BUSY || primary === LOCKED) {
    return new AllFrameError(
      "unavailable",
      "the SQLite event store is locked by another process; retry, or raise busyTimeoutMs",
      { cause: error },
    );
  }
  if (primary === FULL || primary === IOERR || primary === CANTOPEN) {
    return new AllFrameError("unavailable", `the SQLite event store cannot write: ${error.message}`, {
      cause: error,
    });
  }
  return new AllFrameError("internal", `SQLite: ${error.message}`, { cause: error });
}
