/**
 * The embedded durable idempotency store: one table in a SQLite file on `node:sqlite`, so keys survive
 * a restart of `npm run dev` and are shared by processes on one machine.
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import {
  assertIdempotencyTable,
  type BeginResult,
  closedIdempotencyStoreError,
  DEFAULT_IDEMPOTENCY_TABLE,
  type IdempotencyStore,
  idempotencyStoreFailure,
  type StoredResponse,
  SWEEP_EVERY_BEGINS,
} from "./idempotency-store.ts";

/** Options for {@link SqliteIdempotencyStore}. */
export interface SqliteIdempotencyStoreOptions {
  /** Database file, or `":memory:"`. Parent folders are created. */
  path: string;
  /** Table name; default `allframe_idempotency_keys`. */
  table?: string;
  /** Time source for expiry; default the system clock. */
  clock?: Clock;
  /** Lock tokens; default random UUIDs. */
  ids?: IdGenerator;
  /** How long a write waits for another process's lock, in milliseconds; default 5000. */
  busyTimeoutMs?: number;
}

interface Statements {
  select: StatementSync;
  lock: StatementSync;
  complete: StatementSync;
  release: StatementSync;
  sweep: StatementSync;
}

function prepare(db: DatabaseSync, table: string): Statements {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (scope_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
      lock_token TEXT, status INTEGER, headers TEXT, body TEXT, expires_at INTEGER NOT NULL) STRICT`,
  );
  return {
    select: db.prepare(
      `SELECT fingerprint, status, headers, body, expires_at FROM ${table} WHERE scope_key = ?`,
    ),
    lock: db.prepare(
      `INSERT OR REPLACE INTO ${table} (scope_key, fingerprint, lock_token, expires_at) VALUES (?, ?, ?, ?)`,
    ),
    complete: db.prepare(
      `UPDATE ${table} SET lock_token = NULL, status = ?, headers = ?, body = ?, expires_at = ?
        WHERE scope_key = ? AND lock_token = ?`,
    ),
    release: db.prepare(`DELETE FROM ${table} WHERE scope_key = ? AND lock_token = ?`),
    sweep: db.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`),
  };
}

/**
 * An {@link IdempotencyStore} in SQLite: table `(scope_key TEXT PRIMARY KEY, fingerprint, lock_token,
 * status, headers JSON, body base64, expires_at epoch ms)`; a row with a `status` is completed, one
 * with a `lock_token` is in flight. `begin` runs in a `BEGIN IMMEDIATE` transaction, so it is atomic
 * across processes sharing the file. Expired rows are swept every {@link SWEEP_EVERY_BEGINS} begins.
 *
 * @throws AllFrameError `configuration` (constructor) for a bad table name or a file that cannot be
 *   opened; `unavailable` for SQLite failures and calls after `close()`.
 * @example
 * const store = new SqliteIdempotencyStore({ path: "./data/idempotency.db" });
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly kind = "sqlite";
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  #begins = 0;
  #closed = false;

  constructor(opts: SqliteIdempotencyStoreOptions) {
    const table = opts.table ?? DEFAULT_IDEMPOTENCY_TABLE;
    assertIdempotencyTable(table);
    this.path = opts.path;
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    let db: DatabaseSync | undefined;
    try {
      if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
      db = new DatabaseSync(opts.path, { timeout: opts.busyTimeoutMs ?? 5000 });
      this.#sql = prepare(db, `"${table}"`);
    } catch (cause) {
      db?.close();
      throw new AllFrameError(
        "configuration",
        `cannot open SQLite database "${opts.path}": ${(cause as Error).message}`,
        { cause },
      );
    }
    this.#db = db;
  }

  #run<R>(operation: string, fn: (sql: Statements) => R): R {
    if (this.#closed) throw closedIdempotencyStoreError(this.kind);
    try {
      return fn(this.#sql);
    } catch (cause) {
      throw idempotencyStoreFailure(this.kind, operation, cause);
    }
  }

  async begin(scopeKey: string, fingerprint: string, lockTtlMs: number): Promise<BeginResult> {
    const now = this.#clock.now().getTime();
    return this.#run("begin", (sql) => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        if (++this.#begins % SWEEP_EVERY_BEGINS === 0) sql.sweep.run(now);
        const result = lockOrRead(sql, scopeKey, fingerprint, now, lockTtlMs, this.#ids);
        this.#db.exec("COMMIT");
        return result;
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async complete(
    scopeKey: string,
    lockToken: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<boolean> {
    const expiresAt = this.#clock.now().getTime() + ttlMs;
    const result = this.#run("complete", (sql) =>
      sql.complete.run(
        response.status,
        JSON.stringify(response.headers),
        response.bodyBase64,
        expiresAt,
        scopeKey,
        lockToken,
      ),
    );
    return Number(result.changes) > 0;
  }

  async release(scopeKey: string, lockToken: string): Promise<void> {
    this.#run("release", (sql) => sql.release.run(scopeKey, lockToken));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

function lockOrRead(
  sql: Statements,
  scopeKey: string,
  fingerprint: string,
  now: number,
  lockTtlMs: number,
  ids: IdGenerator,
): BeginResult {
  const row = sql.select.get(scopeKey);
  if (row !== undefined && Number(row.expires_at) > now) {
    if (row.status === null) return { state: "in-flight", fingerprint: String(row.fingerprint) };
    return {
      state: "completed",
      fingerprint: String(row.fingerprint),
      response: {
        status: Number(row.status),
        headers: JSON.parse(String(row.headers)) as Record<string, string>,
        bodyBase64: String(row.body),
      },
    };
  }
  const lockToken = ids();
  sql.lock.run(scopeKey, fingerprint, lockToken, now + lockTtlMs);
  return { state: "started", lockToken };
}
