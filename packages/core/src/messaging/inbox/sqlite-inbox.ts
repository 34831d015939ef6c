/**
 * The embedded inbox: one table in the consumer's SQLite file (`node:sqlite`, WAL). Chris Richardson,
 * microservices.io, "Pattern: Idempotent Consumer".
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { SerialQueue } from "../../cqrs/serial-queue.ts";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { type SqlTransaction, sqliteFailure, withSqliteTransaction } from "../outbox/sql-transaction.ts";
import { openSqliteFile, type SqliteFile } from "../outbox/sqlite-file.ts";
import { assertInboxKey, INBOX_TABLE, type Inbox, type InboxResult } from "./inbox.ts";

/** Idempotent DDL, run on open. */
export const SQLITE_INBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS ${INBOX_TABLE} (
  consumer TEXT NOT NULL,
  message_id TEXT NOT NULL,
  handled_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, message_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${INBOX_TABLE}_handled_at ON ${INBOX_TABLE} (handled_at);`;

/** Options of {@link SqliteInbox}: `path` to open a file, or `database` to share a connection. */
export interface SqliteInboxOptions {
  /** Database file (parent folders are created), or `":memory:"`. */
  readonly path?: string;
  /** An open connection to share (the consumer's own); `close()` then leaves it open. */
  readonly database?: DatabaseSync;
  /** How long a write waits for another process's lock, in milliseconds; default 5000. */
  readonly busyTimeoutMs?: number;
  /** For `handled_at`; default the system clock. */
  readonly clock?: Clock;
}

/**
 * An {@link Inbox} in SQLite, table `allframe_inbox(consumer, message_id, handled_at)`. Each
 * `handleOnce` is one `BEGIN IMMEDIATE` transaction, in turn with the file's other writers in this
 * process; `work` gets it (`?` placeholders), and an outbox on the same file can enqueue in it.
 * @throws AllFrameError `"configuration"` (constructor) when the file cannot be opened;
 *   `"unavailable"` for SQLite failures and calls after `close()`.
 */
export class SqliteInbox implements Inbox {
  readonly kind = "sqlite";
  readonly #db: DatabaseSync;
  readonly #queue: SerialQueue;
  readonly #file: SqliteFile;
  readonly #clock: Clock;
  #closed = false;

  constructor(opts: SqliteInboxOptions) {
    this.#clock = opts.clock ?? systemClock;
    const file = openSqliteFile(opts, SQLITE_INBOX_SCHEMA, "inbox");
    this.#db = file.db;
    this.#queue = file.queue;
    this.#file = file;
  }

  #assertOpen(): void {
    if (this.#closed) throw new AllFrameError("unavailable", "the SQLite inbox is closed");
  }

  async handleOnce<T>(
    messageId: string,
    consumer: string,
    work: (tx: SqlTransaction) => Promise<T>,
  ): Promise<InboxResult<T>> {
    assertInboxKey(messageId, consumer);
    this.#assertOpen();
    return withSqliteTransaction(this.#db, this.#queue, async (tx): Promise<InboxResult<T>> => {
      const claimed = await tx.query(
        `INSERT INTO ${INBOX_TABLE} (consumer, message_id, handled_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
        [consumer, messageId, this.#clock.now().getTime()],
      );
      if (claimed.length === 0) return { status: "duplicate" };
      return { status: "handled", value: await work(tx) };
    });
  }

  async has(messageId: string, consumer: string): Promise<boolean> {
    this.#assertOpen();
    try {
      const row = this.#db
        .prepare(`SELECT 1 AS ok FROM ${INBOX_TABLE} WHERE consumer = ? AND message_id = ?`)
        .get(consumer, messageId);
      return row !== undefined;
    } catch (error) {
      throw sqliteFailure("inbox lookup", error);
    }
  }

  async purge(before: Date): Promise<number> {
    this.#assertOpen();
    const rows = await withSqliteTransaction(this.#db, this.#queue, (tx) =>
      tx.query(`DELETE FROM ${INBOX_TABLE} WHERE handled_at < ? RETURNING 1 AS ok`, [before.getTime()]),
    );
    return rows.length;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.run(() => undefined);
    this.#file.close();
  }
}
