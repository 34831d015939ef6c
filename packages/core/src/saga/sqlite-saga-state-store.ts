/**
 * The embedded durable saga state store: one table in a SQLite file (`node:sqlite`, WAL), the same file
 * as the event store can use (DESIGN.md: ~3,200 durable single-row transactions/s on this machine).
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
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

/** Options of {@link SqliteSagaStateStore}: `path` to open a file, or `database` to share a connection. */
export interface SqliteSagaStateStoreOptions {
  /** Database file, or `":memory:"`; parent folders are created. */
  readonly path?: string;
  /** An open connection to share (e.g. the event store's); `close()` then leaves it open. */
  readonly database?: DatabaseSync;
  /** Table name; default `allframe_saga_instances`. */
  readonly table?: string;
  /** How long a write waits for another connection's lock, in milliseconds; default 5000. */
  readonly busyTimeoutMs?: number;
}

interface Statements {
  readonly load: StatementSync;
  readonly revision: StatementSync;
  readonly insert: StatementSync;
  readonly update: StatementSync;
  readonly list: StatementSync;
}

function prepare(db: DatabaseSync, table: string): Statements {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    id TEXT PRIMARY KEY,
    saga TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    revision INTEGER NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT`);
  db.exec(`CREATE INDEX IF NOT EXISTS ${table}_by_status ON ${table} (status, started_at, id)`);
  const columns = "(id, saga, status, started_at, revision, state, updated_at)";
  return {
    load: db.prepare(`SELECT state FROM ${table} WHERE id = ?`),
    revision: db.prepare(`SELECT revision FROM ${table} WHERE id = ?`),
    insert: db.prepare(
      `INSERT INTO ${table} ${columns} VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    update: db.prepare(
      `UPDATE ${table} SET saga = ?, status = ?, started_at = ?, revision = ?, state = ?, updated_at = ?
       WHERE id = ? AND revision = ?`,
    ),
    list: db.prepare(
      `SELECT state FROM ${table} WHERE (?1 IS NULL OR saga = ?1) AND (?2 IS NULL OR status = ?2)
       ORDER BY started_at, id`,
    ),
  };
}

/**
 * A {@link SagaStateStore} in SQLite. Table `allframe_saga_instances(id TEXT PRIMARY KEY, saga, status,
 * started_at, revision INTEGER, state TEXT (the instance as JSON), updated_at)`, indexed on
 * `(status, started_at, id)`. A save is one statement, `INSERT ... ON CONFLICT DO NOTHING` for
 * revision 1 and `UPDATE ... WHERE revision = ?` otherwise, so connections in other processes are
 * serialised by SQLite's write lock and a stale one changes no row. WAL journal, default (FULL)
 * synchronous: a resolved `save` survives a crash of the process.
 *
 * @throws AllFrameError `"configuration"` (constructor) for a bad table name or a file that cannot be
 *   opened; `"concurrency"` for a stale save; `"unavailable"` for SQLite failures and calls after `close()`.
 * @example
 * const store = new SqliteSagaStateStore({ path: "./data/order-service.db" });
 */
export class SqliteSagaStateStore implements SagaStateStore {
  readonly table: string;
  readonly #db: DatabaseSync;
  readonly #owned: boolean;
  readonly #sql: Statements;
  #closed = false;

  constructor(opts: SqliteSagaStateStoreOptions) {
    this.table = opts.table ?? DEFAULT_SAGA_TABLE;
    assertSagaTableName(this.table);
    const path = opts.path ?? ":memory:";
    this.#owned = opts.database === undefined;
    let db = opts.database;
    try {
      if (db === undefined) {
        if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
        db = new DatabaseSync(path, { timeout: opts.busyTimeoutMs ?? 5000 });
      }
      this.#sql = prepare(db, this.table);
    } catch (cause) {
      if (this.#owned) db?.close();
      throw new AllFrameError(
        "configuration",
        `cannot open the saga state table in SQLite database "${path}": ${(cause as Error).message}`,
        { cause },
      );
    }
    this.#db = db;
  }

  async save(instance: SagaInstance): Promise<void> {
    assertRevision(instance);
    const state = JSON.stringify(instance);
    const now = new Date().toISOString();
    const { id, saga, status, startedAt, revision } = instance;
    const changed = this.#run("save", (sql) =>
      revision === 1
        ? sql.insert.run(id, saga, status, startedAt, revision, state, now)
        : sql.update.run(saga, status, startedAt, revision, state, now, id, revision - 1),
    ).changes;
    if (Number(changed) === 1) return;
    const row = this.#run("save", (sql) => sql.revision.get(id));
    throw staleRevisionError(instance, Number(row?.revision ?? 0));
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    const row = this.#run("load", (sql) => sql.load.get(id));
    return row === undefined ? undefined : (JSON.parse(String(row.state)) as SagaInstance);
  }

  async list(opts: SagaListOptions = {}): Promise<SagaInstance[]> {
    const rows = this.#run("list", (sql) => sql.list.all(opts.saga ?? null, opts.status ?? null));
    return rows.map((row) => JSON.parse(String(row.state)) as SagaInstance);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) this.#db.close();
  }

  /** Runs statements; SQLite failures become `unavailable` errors naming the operation. */
  #run<R>(operation: string, fn: (sql: Statements) => R): R {
    if (this.#closed)
      throw new AllFrameError("unavailable", `sqlite saga state store "${this.table}" is closed`);
    try {
      return fn(this.#sql);
    } catch (cause) {
      if (isAllFrameError(cause)) throw cause;
      throw new AllFrameError(
        "unavailable",
        `sqlite saga state store "${this.table}": ${operation} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}
