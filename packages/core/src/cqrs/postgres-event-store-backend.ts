/**
 * The PostgreSQL event store backend (seed 003, "Postgres backend"), on node-postgres (`pg.Pool`).
 * @module
 */
import pg from "pg";
import { isAllFrameError } from "../errors/allframe-error.ts";
import { encodeDrafts } from "./draft-encoding.ts";
import type { ExpectedVersion, RecordedEvent, RecordedEventDraft } from "./event.ts";
import {
  type EventRow,
  eventFromRow,
  POSTGRES_EVENT_COLUMNS,
  type SnapshotRow,
  snapshotFromRow,
} from "./event-row.ts";
import {
  type AppendOptions,
  assertCheckpoint,
  type BackendTransaction,
  closedBackendError,
  type EventStoreBackend,
  type EventStoreStats,
  encodeSnapshotState,
  endedTransactionError,
  type Snapshot,
} from "./event-store-backend.ts";
import { type AppendRow, appendOutcome, appendStatement, isoTimestamps } from "./postgres-append.ts";
import { APPEND_FUNCTIONS } from "./postgres-append-functions.ts";
import { PostgresAppender } from "./postgres-appender.ts";
import { pgFailure, transactionHandle } from "./postgres-failure.ts";
import { applyPostgresMigrations, EVENT_STORE_MIGRATIONS } from "./postgres-migrations.ts";

/** Options of {@link PostgresEventStoreBackend}: a connection string, or a pool you own. */
export interface PostgresEventStoreBackendOptions {
  /** `postgres://user:password@host:port/database`; the backend makes and closes its own pool. */
  readonly url?: string;
  /** A pool to use instead; `close()` leaves it open. */
  readonly pool?: pg.Pool;
  /** Connections in the backend's own pool; default 10. */
  readonly maxConnections?: number;
  /**
   * Append statements (without `inTransaction`) in flight at once; appends arriving meanwhile leave
   * together as one batch (group commit, see `PostgresAppender`). Default: a fifth of the pool.
   */
  readonly maxConcurrentAppends?: number;
}

const COLUMNS = POSTGRES_EVENT_COLUMNS;

/**
 * An `EventStoreBackend` in PostgreSQL ≥ 13. Tables `allframe_events`, `allframe_streams`,
 * `allframe_snapshots`, `allframe_checkpoints`, created by `migrate()` (see `postgres-migrations.ts`).
 *
 * Appends. One call of the `allframe_append` SQL function (see `postgres-append-functions.ts`) does
 * the whole append: a per-stream advisory lock held to commit (so the version check and the insert
 * are atomic and writers to one stream queue instead of failing late), the idempotency and version
 * checks, the insert. Without `inTransaction` that is one statement in its own transaction, one round
 * trip, and appends that overlap are sent together as one `allframe_append_batch` call (group commit,
 * see `PostgresAppender`); with it: BEGIN, the call, the callback on the same connection, COMMIT. The unique constraints
 * on `(stream_id, version)` and `event_id` stay as the last guard and become a ConcurrencyError or the
 * idempotent-retry answer.
 *
 * Reading the global log without skipping (the problem: positions come from a sequence when rows are
 * inserted, but transactions commit in any order, so position 11 can be visible while 10 is still
 * uncommitted; a reader that resumes after 11 would never see 10). Two known answers:
 * - Marten's high-water mark: a daemon finds the highest position below which there are no gaps, and
 *   after a timeout treats a gap as a rolled-back append. It cannot tell a slow transaction from a
 *   rolled-back one, so it either stalls or skips (Marten 9.16.1's release notes list four ways it
 *   skipped in-flight events under load).
 * - Emmett's (and Beckett's) transaction ids: every row stores `pg_current_xact_id()`, and readers
 *   only take rows whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`, the
 *   oldest transaction still running: every such transaction has ended, so nothing below can appear
 *   later. No timeouts, no guessing. They order and checkpoint by (transaction id, position), because
 *   transaction ids and positions are not assigned in the same order.
 * We take the transaction-id approach, and make it work with plain positions: `allframe_append`
 * assigns the transaction id and the positions under one short session-level advisory lock, so across
 * appenders the two orders are the same. Then "transaction id < xmin" selects a prefix of the log in
 * position order, and `readAll(after + 1)` is gap-free with a single number as checkpoint. The cost:
 * appenders queue only to take a transaction id and reserve positions (not for the insert, inline
 * projections or the commit), and any transaction left open on the server (even one that never
 * touches the event store) holds `readAll` back until it ends; set `idle_in_transaction_session_timeout`. Reads of one stream are not held back.
 *
 * @throws AllFrameError `"unavailable"` when the server cannot be reached; see `EventStoreBackend`.
 * @example
 * const backend = new PostgresEventStoreBackend({ url: process.env.DATABASE_URL });
 * await backend.migrate();
 */
export class PostgresEventStoreBackend implements EventStoreBackend {
  readonly kind = "postgres";
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #transactions = new WeakMap<BackendTransaction, pg.PoolClient>();
  readonly #appender: PostgresAppender;
  #closed = false;

  constructor(opts: PostgresEventStoreBackendOptions) {
    this.#ownsPool = opts.pool === undefined;
    this.#pool = opts.pool ?? new pg.Pool({ connectionString: opts.url, max: opts.maxConnections ?? 10 });
    // An idle connection that drops (server restart) must not crash the process; the next query reconnects.
    if (this.#ownsPool) this.#pool.on("error", () => undefined);
    const connections = this.#pool.options.max ?? 10;
    this.#appender = new PostgresAppender(
      (sql, params) => this.#query(sql, params),
      (streamId) => this.streamVersion(streamId),
      opts.maxConcurrentAppends ?? Math.max(1, Math.floor(connections / 5)),
    );
  }

  /**
   * Creates or updates the tables, and (re)creates the append functions; idempotent, safe from many
   * processes at once.
   */
  async migrate(): Promise<void> {
    await this.#run(() =>
      applyPostgresMigrations(this.#pool, "event-store", EVENT_STORE_MIGRATIONS, APPEND_FUNCTIONS),
    );
  }

  async append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    options: AppendOptions = {},
  ): Promise<RecordedEvent[]> {
    if (options.inTransaction === undefined) return this.#appender.append(streamId, drafts, expected);
    const encoded = encodeDrafts(drafts);
    const recordedAt = isoTimestamps(encoded);
    const statement = appendStatement(streamId, expected, encoded, recordedAt);
    const client = await this.#run(() => this.#pool.connect());
    let discard = false;
    let callbackFailed = false;
    try {
      await client.query("BEGIN");
      let result: RecordedEvent[] | "stored";
      try {
        result = appendOutcome(
          (await client.query<AppendRow>(statement)).rows,
          streamId,
          expected,
          encoded,
          recordedAt,
        );
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        // Errors the function's handler did not see (a cancelled statement) may leave its lock held.
        discard = !isAllFrameError(error) && (error as { code?: unknown }).code !== "23505";
        return await this.#appender.afterUniqueViolation(error, streamId, drafts, expected);
      }
      if (result === "stored" || result.length === 0) {
        await client.query("ROLLBACK");
        return result === "stored" ? await this.#appender.storedRetry(streamId, drafts) : result;
      }
      const { tx, end } = transactionHandle("postgres", client, this.#transactions);
      try {
        await options.inTransaction(tx, result);
      } catch (error) {
        callbackFailed = true;
        throw error;
      } finally {
        end();
      }
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (!discard) await client.query("ROLLBACK").catch(() => undefined);
      throw callbackFailed ? error : pgFailure(error);
    } finally {
      client.release(discard);
    }
  }

  async readStream(streamId: string, fromVersion = 0): Promise<RecordedEvent[]> {
    const rows = await this.#query<EventRow>(
      `SELECT ${COLUMNS} FROM allframe_events WHERE stream_id = $1 AND version >= $2 ORDER BY version`,
      [streamId, fromVersion],
    );
    return rows.map(eventFromRow);
  }

  async readAll(fromPosition = 1, limit = Number.POSITIVE_INFINITY): Promise<RecordedEvent[]> {
    // One statement, so the rows and pg_current_snapshot() come from the same snapshot.
    const rows = await this.#query<EventRow>(
      `SELECT ${COLUMNS} FROM allframe_events
       WHERE position >= $1 AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY position LIMIT $2`,
      [fromPosition, limit === Number.POSITIVE_INFINITY ? null : Math.max(0, Math.floor(limit))],
    );
    return rows.map(eventFromRow);
  }

  async streamVersion(streamId: string): Promise<number> {
    const rows = await this.#query<{ version: string }>(
      "SELECT version FROM allframe_streams WHERE stream_id = $1",
      [streamId],
    );
    return rows[0] === undefined ? -1 : Number(rows[0].version);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const state = encodeSnapshotState(snapshot);
    await this.#query(
      `INSERT INTO allframe_snapshots AS s (stream_id, version, schema_version, state, taken_at)
       VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, schema_version = excluded.schema_version,
         state = excluded.state, taken_at = excluded.taken_at
       WHERE excluded.version >= s.version`,
      [snapshot.streamId, snapshot.version, snapshot.schemaVersion, state, snapshot.takenAt],
    );
  }

  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    const rows = await this.#query<SnapshotRow>(
      "SELECT stream_id, version, schema_version, state::text AS state, taken_at FROM allframe_snapshots WHERE stream_id = $1",
      [streamId],
    );
    return rows[0] === undefined ? undefined : snapshotFromRow(rows[0]);
  }

  async loadCheckpoint(name: string): Promise<number> {
    const rows = await this.#query<{ position: string }>(
      "SELECT position FROM allframe_checkpoints WHERE name = $1",
      [name],
    );
    return rows[0] === undefined ? 0 : Number(rows[0].position);
  }

  async saveCheckpoint(name: string, position: number, tx?: BackendTransaction): Promise<void> {
    assertCheckpoint(name, position);
    const sql = `INSERT INTO allframe_checkpoints (name, position) VALUES ($1, $2)
      ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`;
    if (tx === undefined) {
      await this.#query(sql, [name, position]);
      return;
    }
    const client = this.#transactions.get(tx);
    if (client === undefined) throw endedTransactionError();
    await client.query(sql, [name, position]);
  }

  /** A no-op: a committed PostgreSQL transaction is already durable (synchronous_commit on). */
  async flush(): Promise<void> {
    if (this.#closed) throw closedBackendError("postgres");
  }

  async stats(): Promise<EventStoreStats> {
    const rows = await this.#query<{ streams: string; events: string; last: string }>(
      `SELECT count(*) AS streams, coalesce(sum(version + 1), 0) AS events,
         (SELECT coalesce(max(position), 0) FROM allframe_events) AS last FROM allframe_streams`,
    );
    const row = rows[0];
    return {
      streams: Number(row?.streams ?? 0),
      events: Number(row?.events ?? 0),
      lastPosition: Number(row?.last ?? 0),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.#pool.end();
  }

  async #query<R extends pg.QueryResultRow>(
    sql: string | pg.QueryConfig,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    return this.#run(async () =>
      typeof sql === "string"
        ? (await this.#pool.query<R>(sql, params as unknown[])).rows
        : (await this.#pool.query<R>(sql)).rows,
    );
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw closedBackendError("postgres");
    try {
      return await work();
    } catch (error) {
      throw pgFailure(error);
    }
  }
}
