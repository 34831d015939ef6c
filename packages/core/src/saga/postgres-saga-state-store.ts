/**
 * The PostgreSQL saga state store (node-postgres), in the same database as the event store, in its
 * own table.
 * @module
 */
import pg from "pg";
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";
import type { SagaInstance } from "./saga-instance.ts";
import {
  assertRevision,
  assertSagaTableName,
  DEFAULT_SAGA_TABLE,
  type SagaListOptions,
  type SagaStateStore,
  staleRevisionError,
} from "./saga-state-store.ts";

/** Options of {@link PostgresSagaStateStore}: a `connectionString` to open a pool, or a `pool` to share. */
export interface PostgresSagaStateStoreOptions {
  /** `postgres://user:pass@host:port/db`; the store opens a pool of `maxConnections` and ends it on close. */
  readonly connectionString?: string;
  /** A pool to share (e.g. the event store's); `close()` then leaves it open. */
  readonly pool?: pg.Pool;
  /** Table name; default `allframe_saga_instances`. */
  readonly table?: string;
  /** Pool size when the store opens its own; default 4. */
  readonly maxConnections?: number;
}

interface Row {
  readonly state: SagaInstance;
}

/**
 * A {@link SagaStateStore} in PostgreSQL. Table `allframe_saga_instances(id text PRIMARY KEY, saga,
 * status, started_at, revision integer, state jsonb, updated_at timestamptz)`, created on first use
 * with `CREATE TABLE IF NOT EXISTS` under a transaction-scoped advisory lock (two processes starting
 * at once would otherwise race on the catalog). Text columns use the "C" collation, so `list` orders
 * by code point as the other stores do.
 *
 * A save is one statement: `INSERT ... ON CONFLICT DO NOTHING` for revision 1, `UPDATE ... WHERE id = $
 * AND revision = $` otherwise. Under READ COMMITTED a second writer of the same revision waits for the
 * first's row lock, re-checks the `WHERE` against the committed row, and updates nothing: a stale save.
 *
 * @throws AllFrameError `"configuration"` (constructor) for a bad table name or neither option;
 *   `"concurrency"` for a stale save; `"unavailable"` when PostgreSQL fails or after `close()`
 *   (messages never include the connection string).
 * @example
 * const store = new PostgresSagaStateStore({ connectionString: process.env.DATABASE_URL });
 */
export class PostgresSagaStateStore implements SagaStateStore {
  readonly table: string;
  readonly #pool: pg.Pool;
  readonly #owned: boolean;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(opts: PostgresSagaStateStoreOptions) {
    this.table = opts.table ?? DEFAULT_SAGA_TABLE;
    assertSagaTableName(this.table);
    if (opts.pool === undefined && opts.connectionString === undefined)
      throw new AllFrameError("configuration", "PostgresSagaStateStore needs a connectionString or a pool");
    this.#owned = opts.pool === undefined;
    this.#pool =
      opts.pool ?? new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 4 });
    // An idle client's error (server restart) must not crash the process; the next query reports it.
    if (this.#owned) this.#pool.on("error", () => undefined);
  }

  async save(instance: SagaInstance): Promise<void> {
    assertRevision(instance);
    const { id, saga, status, startedAt, revision } = instance;
    const state = JSON.stringify(instance);
    const t = this.table;
    const result =
      revision === 1
        ? await this.#query(
            "save",
            `INSERT INTO ${t} (id, saga, status, started_at, revision, state) VALUES ($1, $2, $3, $4, 1, $5::jsonb)
             ON CONFLICT (id) DO NOTHING`,
            [id, saga, status, startedAt, state],
          )
        : await this.#query(
            "save",
            `UPDATE ${t} SET saga = $2, status = $3, started_at = $4, revision = $5, state = $6::jsonb, updated_at = now()
             WHERE id = $1 AND revision = $7`,
            [id, saga, status, startedAt, revision, state, revision - 1],
          );
    if (result.rowCount === 1) return;
    const found = await this.#query<{ revision: number }>("save", `SELECT revision FROM ${t} WHERE id = $1`, [
      id,
    ]);
    throw staleRevisionError(instance, found.rows[0]?.revision ?? 0);
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    const { rows } = await this.#query<Row>("load", `SELECT state FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0]?.state;
  }

  async list(opts: SagaListOptions = {}): Promise<SagaInstance[]> {
    const { rows } = await this.#query<Row>(
      "list",
      `SELECT state FROM ${this.table} WHERE ($1::text IS NULL OR saga = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY started_at, id`,
      [opts.saga ?? null, opts.status ?? null],
    );
    return rows.map((r) => r.state);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) await this.#pool.end();
  }

  #migrate(): Promise<void> {
    const t = this.table;
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [t]);
        await client.query(`CREATE TABLE IF NOT EXISTS ${t} (
          id text COLLATE "C" PRIMARY KEY,
          saga text COLLATE "C" NOT NULL,
          status text NOT NULL,
          started_at text COLLATE "C" NOT NULL,
          revision integer NOT NULL,
          state jsonb NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`);
        await client.query(`CREATE INDEX IF NOT EXISTS ${t}_by_status ON ${t} (status, started_at, id)`);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.#ready = undefined; // try again on the next call
      throw error;
    });
    return this.#ready;
  }

  /** Creates the table on first use; PostgreSQL failures become `unavailable` errors naming the operation. */
  async #query<R extends pg.QueryResultRow>(
    operation: string,
    sql: string,
    params: unknown[],
  ): Promise<pg.QueryResult<R>> {
    if (this.#closed)
      throw new AllFrameError("unavailable", `postgres saga state store "${this.table}" is closed`);
    try {
      await this.#migrate();
      return await this.#pool.query<R>(sql, params);
    } catch (cause) {
      if (isAllFrameError(cause)) throw cause;
      throw new AllFrameError(
        "unavailable",
        `postgres saga state store "${this.table}": ${operation} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}
