/**
 * The PostgreSQL event store's schema as plain SQL migrations, and the runner that applies them once
 * per database, safely when several processes start at the same time.
 * @module
 */
import type pg from "pg";
import { LOCK_CLASS } from "./postgres-append-functions.ts";
import type { SchemaMigration } from "./schema-migration.ts";

export { APPEND_LOCK_KEY, LOCK_CLASS } from "./postgres-append-functions.ts";

/** One forward-only migration of a PostgreSQL store's tables (see {@link SchemaMigration}). */
export type PostgresMigration = SchemaMigration;

const MIGRATION_LOCK_KEY = 2;

/**
 * The event store's migrations. Table and column choices:
 * - `position` is an identity column: strictly increasing, but a rolled-back append burns its numbers;
 * - `event_id` is `text`, not `uuid`: ids are caller-chosen idempotency keys (e.g. derived from a
 *   command id), and every backend must accept the same ids;
 * - `tx_id` records the writing transaction, which `readAll` compares with the oldest running
 *   transaction (see `PostgresEventStoreBackend`);
 * - `allframe_append` and `allframe_append_batch` are the only code that writes events; they are
 *   code, not schema, so `migrate()` replaces them on every run (`APPEND_FUNCTIONS`) rather than
 *   through a numbered migration: every database runs the functions of the client it serves.
 */
export const EVENT_STORE_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "events, streams, snapshots, checkpoints",
    sql: `
CREATE TABLE allframe_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL DEFAULT 1,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  recorded_at timestamptz NOT NULL,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT allframe_events_event_id_key UNIQUE (event_id),
  CONSTRAINT allframe_events_stream_version_key UNIQUE (stream_id, version)
);
CREATE TABLE allframe_streams (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE allframe_snapshots (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL,
  schema_version integer NOT NULL,
  state jsonb NOT NULL,
  taken_at timestamptz NOT NULL
);
CREATE TABLE allframe_checkpoints (
  name text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/**
 * Applies the `migrations` of `component` that the database has not seen, in version order, in one
 * transaction under an advisory lock, recording each in `allframe_schema_migrations`. Idempotent and
 * safe to call from many processes at once: the second waits, then finds nothing to do. Then, under
 * the same lock, runs `functions` (idempotent `CREATE OR REPLACE FUNCTION` statements) if given.
 * @throws the driver's error when a migration fails; nothing of that run is kept.
 */
export async function applyPostgresMigrations(
  pool: pg.Pool,
  component: string,
  migrations: readonly PostgresMigration[],
  functions?: string,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS.store, MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS allframe_schema_migrations (
      component text NOT NULL, version integer NOT NULL, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`);
    const { rows } = await client.query<{ version: number }>(
      "SELECT version FROM allframe_schema_migrations WHERE component = $1",
      [component],
    );
    const applied = new Set(rows.map((r) => r.version));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(
        "INSERT INTO allframe_schema_migrations (component, version, name) VALUES ($1, $2, $3)",
        [component, migration.version, migration.name],
      );
    }
    if (functions !== undefined) await client.query(functions);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
