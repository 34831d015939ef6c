/**
 * The PostgreSQL idempotency store: one table on the pool shared per database URL, so every instance
 * of a service sees the same keys. Selected by `postgres://` URLs.
 * @module
 */
import { leasePool, type PoolLease } from "../persistence/postgres-pool.ts";
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

/** Options for {@link PostgresIdempotencyStore}. */
export interface PostgresIdempotencyStoreOptions {
  /** `postgres://user:password@host:port/database`; never echoed in errors. */
  url: string;
  /** Table name; default `allframe_idempotency_keys`. */
  table?: string;
  /** Time source for expiry (sent as a parameter, not the server's `now()`); default the system clock. */
  clock?: Clock;
  /** Lock tokens; default random UUIDs. */
  ids?: IdGenerator;
}

/** A row can vanish or expire between the upsert and the read; retry that many times. */
const BEGIN_ATTEMPTS = 5;

/**
 * An {@link IdempotencyStore} in PostgreSQL: table `(scope_key text PRIMARY KEY, fingerprint,
 * lock_token, status, headers, body, expires_at bigint epoch ms)`, created on first use under an
 * advisory lock. `begin` is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`, so of concurrent
 * callers exactly one inserts or takes over the row; the others read it. Times come from the injected
 * clock, so expiry runs on fake time in tests.
 *
 * @throws AllFrameError `configuration` (constructor) for a bad table name; `unavailable` when the
 *   server cannot be reached, a statement fails, and after `close()`.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly kind = "postgres";
  readonly #lease: PoolLease;
  readonly #table: string;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  #ready: Promise<void> | undefined;
  #begins = 0;
  #closed = false;

  constructor(opts: PostgresIdempotencyStoreOptions) {
    const table = opts.table ?? DEFAULT_IDEMPOTENCY_TABLE;
    assertIdempotencyTable(table);
    this.#table = `"${table}"`;
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#lease = leasePool(opts.url);
  }

  async #createTable(): Promise<void> {
    const client = await this.#lease.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `allframe.idempotency.${this.#table}`,
      ]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.#table} (scope_key text PRIMARY KEY, fingerprint text NOT NULL,
          lock_token text, status integer, headers text, body text, expires_at bigint NOT NULL)`,
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #query(operation: string, sql: string, params: unknown[]): Promise<QueryResult> {
    if (this.#closed) throw closedIdempotencyStoreError(this.kind);
    try {
      this.#ready ??= this.#createTable().catch((error: unknown) => {
        this.#ready = undefined;
        throw error;
      });
      await this.#ready;
      const result = await this.#lease.pool.query(sql, params);
      return { rows: result.rows as Array<Record<string, unknown>>, count: result.rowCount ?? 0 };
    } catch (cause) {
      throw idempotencyStoreFailure(this.kind, operation, cause);
    }
  }

  async begin(scopeKey: string, fingerprint: string, lockTtlMs: number): Promise<BeginResult> {
    for (let attempt = 0; attempt < BEGIN_ATTEMPTS; attempt++) {
      const now = this.#clock.now().getTime();
      if (++this.#begins % SWEEP_EVERY_BEGINS === 0) {
        await this.#query("sweep", `DELETE FROM ${this.#table} WHERE expires_at <= $1`, [now]);
      }
      const lockToken = this.#ids();
      const locked = await this.#query(
        "begin",
        `INSERT INTO ${this.#table} AS k (scope_key, fingerprint, lock_token, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope_key) DO UPDATE SET fingerprint = excluded.fingerprint,
           lock_token = excluded.lock_token, status = NULL, headers = NULL, body = NULL,
           expires_at = excluded.expires_at
         WHERE k.expires_at <= $5`,
        [scopeKey, fingerprint, lockToken, now + lockTtlMs, now],
      );
      if (locked.count > 0) return { state: "started", lockToken };
      const { rows } = await this.#query(
        "begin",
        `SELECT fingerprint, status, headers, body, expires_at FROM ${this.#table} WHERE scope_key = $1`,
        [scopeKey],
      );
      const row = rows[0];
      if (row === undefined || Number(row.expires_at) <= now) continue;
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
    throw idempotencyStoreFailure(
      this.kind,
      "begin",
      new Error(`key changed under ${BEGIN_ATTEMPTS} consecutive attempts`),
    );
  }

  async complete(
    scopeKey: string,
    lockToken: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<boolean> {
    const result = await this.#query(
      "complete",
      `UPDATE ${this.#table} SET lock_token = NULL, status = $1, headers = $2, body = $3, expires_at = $4
       WHERE scope_key = $5 AND lock_token = $6`,
      [
        response.status,
        JSON.stringify(response.headers),
        response.bodyBase64,
        this.#clock.now().getTime() + ttlMs,
        scopeKey,
        lockToken,
      ],
    );
    return result.count > 0;
  }

  async release(scopeKey: string, lockToken: string): Promise<void> {
    await this.#query("release", `DELETE FROM ${this.#table} WHERE scope_key = $1 AND lock_token = $2`, [
      scopeKey,
      lockToken,
    ]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease.release();
  }
}

interface QueryResult {
  rows: Array<Record<string, unknown>>;
  count: number;
}
