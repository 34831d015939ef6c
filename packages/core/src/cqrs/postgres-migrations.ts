/**
 * The PostgreSQL event store's schema as plain SQL migrations, and the runner that applies them once
 * per database, safely when several processes start at the same time.
 * @module
 */
import type pg from "pg";

/** One forward-only migration; `sql` may hold several statements. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Advisory-lock class ids ("ALF" + a letter); the second key of each lock says what is locked. */
export const LOCK_CLASS = {
  /** `(LOCK_CLASS.store, 1)`: the append section that assigns positions; `(…, 2)`: migrations. */
  store: 0x414c4652,
  /** `(LOCK_CLASS.stream, hashtext(stream_id))`: one writer per stream (hash collisions only serialise). */
  stream: 0x414c4653,
} as const;
export const APPEND_LOCK_KEY = 1;
const MIGRATION_LOCK_KEY = 2;

/**
 * The event store's migrations. Table and column choices:
 * - `position` is an identity column: strictly increasing, but a rolled-back append burns its numbers;
 * - `event_id` is `text`, not `uuid`: ids are caller-chosen idempotency keys (e.g. derived from a
 *   command id), and every backend must accept the same ids;
 * - `tx_id` records the writing transaction, which `readAll` compares with the oldest running
 *   transaction (see `PostgresEventStoreBackend`);
 * - `allframe_append` is the only code that writes events; see its comment.
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
-- One append, callable as a single statement. Takes the stream's writer lock (held to the end of
-- the transaction), answers 'stored' when any id is already stored (the caller sorts out retry from
-- conflict), 'conflict' with the version when it is outside [p_min_version, p_max_version], 'empty'
-- for no events; otherwise inserts and answers 'appended' with each version and position.
-- Taking the transaction id and the positions inside one short session-level lock makes
-- "transaction id order" equal "position order" across appenders, which is what lets readAll trust
-- pg_snapshot_xmin. The lock is released before the caller's transaction goes on (inline
-- projections, commit), so appenders only queue for the insert itself.
CREATE FUNCTION allframe_append(
  p_stream_id text, p_min_version bigint, p_max_version bigint, p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[], p_recorded_at timestamptz[]
) RETURNS TABLE (outcome text, event_version bigint, event_position bigint)
LANGUAGE plpgsql
-- Every lookup here is by key. PL/pgSQL caches one plan per session; planned while the tables were
-- tiny, that plan is a sequential scan, which costs milliseconds once they hold thousands of rows.
SET enable_seqscan = off
AS $fn$
DECLARE
  v_current bigint;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'allframe_append must be the first write of its transaction'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  PERFORM pg_advisory_xact_lock(${LOCK_CLASS.stream}, hashtext(p_stream_id));
  IF EXISTS (SELECT 1 FROM allframe_events WHERE event_id = ANY (p_event_ids)) THEN
    RETURN QUERY SELECT 'stored'::text, NULL::bigint, NULL::bigint;
    RETURN;
  END IF;
  SELECT s.version INTO v_current FROM allframe_streams s WHERE s.stream_id = p_stream_id;
  v_current := coalesce(v_current, -1);
  IF v_current < p_min_version OR v_current > p_max_version THEN
    RETURN QUERY SELECT 'conflict'::text, v_current, NULL::bigint;
    RETURN;
  END IF;
  IF cardinality(p_event_ids) = 0 THEN
    RETURN QUERY SELECT 'empty'::text, v_current, NULL::bigint;
    RETURN;
  END IF;
  PERFORM pg_advisory_lock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
  BEGIN
    PERFORM pg_current_xact_id();
    RETURN QUERY
      INSERT INTO allframe_events AS e
        (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
      SELECT p_stream_id, v_current + d.n, d.id, d.type, d.sv, d.data, d.meta, d.at
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_recorded_at)
        WITH ORDINALITY AS d(id, type, sv, data, meta, at, n)
      ORDER BY d.n
      RETURNING 'appended'::text, e.version, e.position;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
    RAISE;
  END;
  PERFORM pg_advisory_unlock(${LOCK_CLASS.store}, ${APPEND_LOCK_KEY});
  INSERT INTO allframe_streams AS s (stream_id, version)
  VALUES (p_stream_id, v_current + cardinality(p_event_ids))
  ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, updated_at = now();
END
$fn$;
`,
  },
];

/**
 * Applies the `migrations` of `component` that the database has not seen, in version order, in one
 * transaction under an advisory lock, recording each in `allframe_schema_migrations`. Idempotent and
 * safe to call from many processes at once: the second waits, then finds nothing to do.
 * @throws the driver's error when a migration fails; nothing of that run is kept.
 */
export async function applyPostgresMigrations(
  pool: pg.Pool,
  component: string,
  migrations: readonly PostgresMigration[],
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
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
