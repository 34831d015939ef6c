/**
 * The SQLite event store's tables, and how its driver errors map to AllFrame errors.
 * @module
 */
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";
import { eventColumns } from "./event-row.ts";

/**
 * Idempotent DDL, run on every open. `position` is the rowid: one writer at a time commits positions
 * in order, and a rolled-back append leaves no hole. `allframe_streams.version` duplicates
 * `max(version)` so the version check is one primary-key lookup and `stats()` never scans events.
 */
export const SQLITE_SCHEMA = `
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

const COLUMNS = eventColumns(false);

/** Every statement the SQLite backend prepares (and caches, per connection). */
export const SQL = {
  lastPosition: "SELECT coalesce(max(position), 0) AS p FROM allframe_events",
  upsertStream:
    "INSERT INTO allframe_streams (stream_id, version) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
  streamVersion: "SELECT version FROM allframe_streams WHERE stream_id = ?",
  eventsByIds: `SELECT ${COLUMNS} FROM allframe_events WHERE event_id IN (SELECT value FROM json_each(?))`,
  readStream: `SELECT ${COLUMNS} FROM allframe_events WHERE stream_id = ? AND version >= ? ORDER BY version`,
  readAll: `SELECT ${COLUMNS} FROM allframe_events WHERE position >= ? ORDER BY position LIMIT ?`,
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

/** True when a unique constraint of `allframe_events` (event id, or stream and version) was violated. */
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
