/**
 * The inbox on PostgreSQL: the id is inserted first in the consumer's transaction, so a concurrent
 * duplicate waits on the primary key until the first commits (then sees it) or rolls back (then runs).
 * Chris Richardson, microservices.io, "Pattern: Idempotent Consumer".
 * @module
 */
import type pg from "pg";
import { applyPostgresMigrations, type PostgresMigration } from "../../cqrs/postgres-migrations.ts";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { storePool } from "../../persistence/postgres-pool.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { postgresFailure, type SqlTransaction, withPostgresTransaction } from "../outbox/sql-transaction.ts";
import { assertInboxKey, INBOX_TABLE, type Inbox, type InboxResult } from "./inbox.ts";

/** The inbox table, applied once per database by `applyPostgresMigrations`. */
export const INBOX_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "inbox",
    sql: `CREATE TABLE ${INBOX_TABLE} (
  consumer text NOT NULL,
  message_id text NOT NULL,
  handled_at bigint NOT NULL,
  PRIMARY KEY (consumer, message_id)
);
CREATE INDEX ${INBOX_TABLE}_handled_at ON ${INBOX_TABLE} (handled_at);`,
  },
];

/** Options of {@link PostgresInbox}: `url` for the shared pool of that URL, or your own `pool`. */
export interface PostgresInboxOptions {
  readonly url?: string;
  /** A pool you own (the consumer's database); `close()` leaves it open. */
  readonly pool?: pg.Pool;
  /** For `handled_at`; default the system clock. */
  readonly clock?: Clock;
}

/**
 * An {@link Inbox} on PostgreSQL, table `allframe_inbox(consumer, message_id, handled_at)`. `work` gets
 * the transaction (`$1` placeholders); an outbox on the same database can enqueue in it too.
 * @throws AllFrameError `"configuration"` (constructor) with neither `url` nor `pool`; `"unavailable"`
 *   when the server cannot be reached.
 * @example
 * const inbox = new PostgresInbox({ url: process.env.DATABASE_URL });
 * await inbox.handleOnce(event.id, "billing", (tx) => tx.query("INSERT INTO invoices ...", [...]));
 */
export class PostgresInbox implements Inbox {
  readonly kind = "postgres";
  readonly #pool: pg.Pool;
  readonly #release: () => Promise<void>;
  readonly #clock: Clock;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(opts: PostgresInboxOptions) {
    this.#clock = opts.clock ?? systemClock;
    const lease = storePool(opts, "PostgresInbox");
    this.#pool = lease.pool;
    this.#release = () => lease.release();
  }

  async #ensureReady(): Promise<void> {
    if (this.#closed) throw new AllFrameError("unavailable", "the PostgreSQL inbox is closed");
    this.#ready ??= applyPostgresMigrations(this.#pool, "inbox", INBOX_MIGRATIONS).catch((error) => {
      this.#ready = undefined;
      throw postgresFailure("inbox migrations", error);
    });
    await this.#ready;
  }

  async handleOnce<T>(
    messageId: string,
    consumer: string,
    work: (tx: SqlTransaction) => Promise<T>,
  ): Promise<InboxResult<T>> {
    assertInboxKey(messageId, consumer);
    await this.#ensureReady();
    return withPostgresTransaction(this.#pool, async (tx): Promise<InboxResult<T>> => {
      const claimed = await tx.query(
        `INSERT INTO ${INBOX_TABLE} (consumer, message_id, handled_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
        [consumer, messageId, this.#clock.now().getTime()],
      );
      if (claimed.length === 0) return { status: "duplicate" };
      return { status: "handled", value: await work(tx) };
    });
  }

  async has(messageId: string, consumer: string): Promise<boolean> {
    await this.#ensureReady();
    try {
      const { rows } = await this.#pool.query(
        `SELECT 1 FROM ${INBOX_TABLE} WHERE consumer = $1 AND message_id = $2`,
        [consumer, messageId],
      );
      return rows.length > 0;
    } catch (error) {
      throw postgresFailure("inbox lookup", error);
    }
  }

  async purge(before: Date): Promise<number> {
    await this.#ensureReady();
    try {
      const result = await this.#pool.query(`DELETE FROM ${INBOX_TABLE} WHERE handled_at < $1`, [
        before.getTime(),
      ]);
      return result.rowCount ?? 0;
    } catch (error) {
      throw postgresFailure("inbox purge", error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#release();
  }
}
