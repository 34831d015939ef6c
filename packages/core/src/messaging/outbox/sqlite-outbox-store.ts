/**
 * The embedded outbox: two tables in a SQLite file (`node:sqlite`, WAL), usually the service's own
 * database file so the business write and the outbox row share one transaction (Chris Richardson,
 * microservices.io, "Pattern: Transactional outbox").
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { SerialQueue } from "../../cqrs/serial-queue.ts";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../../runtime/clock.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import {
  assertClaim,
  assertEngine,
  CommitNotifier,
  describeError,
  encodeMessages,
  type FailureOutcome,
  type MessageRow,
  OUTBOX_TABLES,
  type OutboxRecord,
  type OutboxStore,
  type OutboxStoreOptions,
  recordFromRow,
  resolveMaxAttempts,
} from "./outbox-store.ts";
import { deadLetterParams, INSERT_DEAD_LETTER, SqlDeadLetterQueue } from "./sql-dead-letters.ts";
import {
  type SqlTransaction,
  sqliteFailure,
  type TransactionWork,
  withSqliteTransaction,
} from "./sql-transaction.ts";
import { openSqliteFile, type SqliteFile } from "./sqlite-file.ts";

const { messages: T, dead: D } = OUTBOX_TABLES;

/**
 * Idempotent DDL, run on open. `seq` is the rowid: writers commit one at a time, so `seq` order is
 * commit order. `locked_until` is epoch milliseconds from the store's clock (0 = free).
 */
export const SQLITE_OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS ${T} (
  seq INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  key TEXT,
  envelope TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  locked_by TEXT,
  locked_until INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS ${T}_key_seq ON ${T} (key, seq) WHERE key IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${D} (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  message_id TEXT NOT NULL,
  envelope TEXT NOT NULL,
  error_name TEXT NOT NULL,
  error_message TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  consumer TEXT NOT NULL,
  dead_lettered_at TEXT NOT NULL
) STRICT;`;

const CLAIM = `UPDATE ${T} SET locked_by = ?3, locked_until = ?1 + ?4
WHERE seq IN (
  SELECT c.seq FROM ${T} c
  WHERE c.locked_until <= ?1
    AND NOT EXISTS (
      SELECT 1 FROM ${T} e WHERE e.key = c.key AND e.seq < c.seq AND e.locked_until > ?1)
  ORDER BY c.seq LIMIT ?2)
RETURNING message_id, seq, envelope, attempts, enqueued_at`;

const ENQUEUE = `INSERT INTO ${T} (message_id, type, key, envelope, enqueued_at)
SELECT m.value ->> 0, m.value ->> 1, m.value ->> 2, m.value ->> 3, ?2
FROM json_each(?1) AS m ORDER BY m.key`;

/** `$1` placeholders (shared SQL) → SQLite's numbered `?1`. */
const numbered = (sql: string) => sql.replace(/\$(\d+)/g, "?$1");

/** Options of {@link SqliteOutboxStore}: `path` to open a file, or `database` to share a connection. */
export interface SqliteOutboxStoreOptions extends OutboxStoreOptions {
  /** Database file (parent folders are created), or `":memory:"`. */
  readonly path?: string;
  /** An open connection to share (e.g. the service's own); `close()` then leaves it open. */
  readonly database?: DatabaseSync;
  /** How long a write waits for another process's lock, in milliseconds; default 5000. */
  readonly busyTimeoutMs?: number;
  /** Time for leases, retry delays and timestamps; default the system clock. */
  readonly clock?: Clock;
  /** Dead-letter ids; default random UUIDs. */
  readonly ids?: IdGenerator;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
}

/**
 * An {@link OutboxStore} in SQLite. Every write, the caller's business transaction included, runs in
 * `BEGIN IMMEDIATE` and in turn with the other writers of the same file in this process, so a claim is
 * a single-writer operation with no `SKIP LOCKED` needed; relays in other processes wait on SQLite's
 * lock (busy timeout). WAL journal, FULL synchronous: a committed enqueue survives a crash.
 *
 * @throws AllFrameError `"configuration"` (constructor) when the file cannot be opened or neither
 *   `path` nor `database` is given; `"unavailable"` for SQLite failures and calls after `close()`.
 * @example
 * const outbox = new SqliteOutboxStore({ path: "./data/orders.db" });
 * await outbox.transaction(async (tx) => {
 *   await tx.query("UPDATE orders SET status = ? WHERE id = ?", ["paid", orderId]);
 *   await outbox.enqueue(tx, [createEvent("order.paid", { orderId }, { source: "orders", key: orderId })]);
 * });
 */
export class SqliteOutboxStore implements OutboxStore {
  readonly kind = "sqlite";
  readonly maxAttempts: number;
  readonly deadLetters: SqlDeadLetterQueue;
  readonly #db: DatabaseSync;
  readonly #queue: SerialQueue;
  readonly #file: SqliteFile;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #consumer: string;
  readonly #commits = new CommitNotifier();
  #closed = false;

  constructor(opts: SqliteOutboxStoreOptions) {
    this.maxAttempts = resolveMaxAttempts(opts.maxAttempts);
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#consumer = opts.deadLetterConsumer ?? "outbox-relay";
    const file = openSqliteFile(opts, SQLITE_OUTBOX_SCHEMA, "outbox");
    this.#db = file.db;
    this.#queue = file.queue;
    this.#file = file;
    this.deadLetters = new SqlDeadLetterQueue(
      (sql, params) => this.#tx((tx) => tx.query(numbered(sql), params)),
      isUniqueViolation,
    );
  }

  #tx<R>(work: TransactionWork<R>): Promise<R> {
    if (this.#closed) return Promise.reject(new AllFrameError("unavailable", "the SQLite outbox is closed"));
    return withSqliteTransaction(this.#db, this.#queue, work);
  }

  async #write<R>(what: string, work: TransactionWork<R>): Promise<R> {
    try {
      return await this.#tx(work);
    } catch (error) {
      throw sqliteFailure(`outbox ${what}`, error);
    }
  }

  transaction<R>(work: TransactionWork<R>): Promise<R> {
    return this.#commits.transaction((w) => this.#tx(w), work);
  }

  async enqueue(tx: SqlTransaction, messages: readonly EventEnvelope[]): Promise<void> {
    assertEngine(tx, "sqlite");
    const encoded = encodeMessages(messages);
    if (encoded.length === 0) return;
    const rows = JSON.stringify(encoded.map((m) => [m.id, m.type, m.key, m.envelope]));
    try {
      await tx.query(ENQUEUE, [rows, this.#clock.now().getTime()]);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AllFrameError("conflict", "an outbox message with one of these ids exists", {
          cause: error,
          details: { ids: encoded.map((m) => m.id) },
        });
      throw sqliteFailure("outbox enqueue", error);
    }
    this.#commits.enqueued(tx);
  }

  async claim(batchSize: number, leaseMs: number, workerId: string): Promise<OutboxRecord[]> {
    assertClaim(batchSize, leaseMs, workerId);
    const now = this.#clock.now().getTime();
    const rows = await this.#write("claim", (tx) =>
      tx.query<MessageRow>(CLAIM, [now, batchSize, workerId, Math.ceil(leaseMs)]),
    );
    return rows.map(recordFromRow).sort((a, b) => a.seq - b.seq);
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#write("markPublished", (tx) =>
      tx.query(`DELETE FROM ${T} WHERE message_id IN (SELECT value FROM json_each(?))`, [
        JSON.stringify(ids),
      ]),
    );
  }

  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#write("release", (tx) =>
      tx.query(
        `UPDATE ${T} SET locked_until = 0, locked_by = NULL
         WHERE message_id IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(ids)],
      ),
    );
  }

  async recordFailure(id: string, error: unknown, retryDelayMs = 0): Promise<FailureOutcome> {
    const described = describeError(error);
    const now = this.#clock.now();
    return this.#write("recordFailure", async (tx) => {
      const [row] = await tx.query<{ attempts: number; envelope: string }>(
        `UPDATE ${T} SET attempts = attempts + 1, last_error = ?2, locked_by = NULL, locked_until = ?3
         WHERE message_id = ?1 RETURNING attempts, envelope`,
        [id, `${described.name}: ${described.message}`, now.getTime() + Math.max(0, retryDelayMs)],
      );
      if (row === undefined) return { attempts: 0, deadLettered: false };
      if (row.attempts < this.maxAttempts) return { attempts: row.attempts, deadLettered: false };
      await tx.query(`DELETE FROM ${T} WHERE message_id = ?`, [id]);
      await tx.query(
        numbered(INSERT_DEAD_LETTER),
        deadLetterParams({
          id: this.#ids(),
          event: JSON.parse(row.envelope) as EventEnvelope,
          error: described,
          attempts: row.attempts,
          consumer: this.#consumer,
          deadLetteredAt: now.toISOString(),
        }),
      );
      return { attempts: row.attempts, deadLettered: true };
    });
  }

  async backlog(): Promise<number> {
    if (this.#closed) throw new AllFrameError("unavailable", "the SQLite outbox is closed");
    const row = this.#db.prepare(`SELECT COUNT(*) AS n FROM ${T}`).get();
    return Number(row?.n ?? 0);
  }

  onCommit(listener: () => void): () => void {
    return this.#commits.add(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commits.clear();
    // Let writes already queued finish before the connection goes.
    await this.#queue.run(() => undefined);
    this.#file.close();
  }
}
