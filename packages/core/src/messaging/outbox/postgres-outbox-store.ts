/**
 * The outbox on PostgreSQL: relays claim by leasing messages (a lease table, claims taken in turns),
 * as the Transactional Outbox is usually run on PostgreSQL (Chris Richardson, microservices.io, "Pattern:
 * Transactional outbox"; "Polling publisher").
 *
 * Why leases taken in turns rather than `SELECT … FOR UPDATE SKIP LOCKED`: a row lock ends with the
 * claiming transaction, while a relay publishes after it, so the claim has to be written down as a
 * lease either way. And SKIP LOCKED cannot keep a key's order across relays: relay B skips the rows
 * relay A has locked and takes the next message of the same key, which it may publish first. Each
 * claim must instead see every key leased before it, which concurrent claims under READ COMMITTED do
 * not (an uncommitted lease is invisible); so claims take a transaction-scoped advisory lock, for the
 * few milliseconds of one claim statement, and then need no row locks at all. Relays still publish
 * and mark in parallel; two relays drain about 15,000 events/s to NATS in `npm run bench -- messaging`.
 * @module
 */
import type pg from "pg";
import { applyPostgresMigrations } from "../../cqrs/postgres-migrations.ts";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { storePool } from "../../persistence/postgres-pool.ts";
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
import {
  claimSql,
  DELETE_MESSAGES,
  ENQUEUE,
  OUTBOX_LOCKS,
  OUTBOX_MIGRATIONS,
  RECORD_FAILURE,
  RELEASE,
} from "./postgres-outbox-sql.ts";
import { PostgresOutboxWake } from "./postgres-outbox-wake.ts";
import { deadLetterParams, INSERT_DEAD_LETTER, SqlDeadLetterQueue } from "./sql-dead-letters.ts";
import {
  postgresFailure,
  type SqlTransaction,
  type TransactionWork,
  withPostgresTransaction,
} from "./sql-transaction.ts";

const { messages: T } = OUTBOX_TABLES;

export { OUTBOX_LOCKS, OUTBOX_MIGRATIONS } from "./postgres-outbox-sql.ts";

/** Options of {@link PostgresOutboxStore}: `url` for the shared pool of that URL, or your own `pool`. */
export interface PostgresOutboxStoreOptions extends OutboxStoreOptions {
  readonly url?: string;
  /** A pool you own (e.g. the service's); `close()` leaves it open. */
  readonly pool?: pg.Pool;
  /** Time for leases, retry delays and timestamps; default the system clock. */
  readonly clock?: Clock;
  /** Dead-letter ids; default random UUIDs. */
  readonly ids?: IdGenerator;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

/**
 * An {@link OutboxStore} on PostgreSQL (tables `allframe_outbox`, `allframe_outbox_dead`, created by
 * migrations on first use). Claims take a short transaction-scoped advisory lock, so two relays never
 * split one key's messages between them; a claim writes lease rows (`allframe_outbox_leases`), never
 * the messages, so it never waits on rows being marked. Enqueueing a keyed message takes that key's
 * advisory lock until commit.
 *
 * Wake-up across processes: while a relay of this process listens (`onCommit`), the store LISTENs
 * on `allframe_outbox`; a commit that enqueued and that no relay of its own process hears sends a
 * NOTIFY there after it (see `PostgresOutboxWake`), so a relay elsewhere starts at once.
 *
 * @throws AllFrameError `"configuration"` (constructor) with neither `url` nor `pool`, or a bad
 *   `maxAttempts`; `"unavailable"` whenever the server cannot be reached (callers retry).
 * @example
 * const outbox = new PostgresOutboxStore({ url: process.env.DATABASE_URL });
 * await outbox.transaction(async (tx) => {
 *   await tx.query("INSERT INTO orders (id, total) VALUES ($1, $2)", [order.id, order.total]);
 *   await outbox.enqueue(tx, [createEvent("order.placed", order, { source: "orders", key: order.id })]);
 * });
 */
export class PostgresOutboxStore implements OutboxStore {
  readonly kind = "postgres";
  readonly maxAttempts: number;
  readonly deadLetters: SqlDeadLetterQueue;
  readonly #pool: pg.Pool;
  readonly #release: () => Promise<void>;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #consumer: string;
  readonly #commits: CommitNotifier;
  readonly #wake: PostgresOutboxWake;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(opts: PostgresOutboxStoreOptions) {
    this.maxAttempts = resolveMaxAttempts(opts.maxAttempts);
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#consumer = opts.deadLetterConsumer ?? "outbox-relay";
    const lease = storePool(opts, "PostgresOutboxStore");
    this.#pool = lease.pool;
    this.#release = () => lease.release();
    this.#wake = new PostgresOutboxWake(this.#pool, () => this.#commits.wake());
    this.#commits = new CommitNotifier(() => this.#wake.notify());
    this.deadLetters = new SqlDeadLetterQueue(async (sql, params) => {
      await this.#ensureReady();
      return (await this.#pool.query(sql, params as unknown[])).rows;
    }, isUniqueViolation);
  }

  async #ensureReady(): Promise<void> {
    if (this.#closed) throw new AllFrameError("unavailable", "the PostgreSQL outbox store is closed");
    this.#ready ??= applyPostgresMigrations(this.#pool, "outbox", OUTBOX_MIGRATIONS).catch((error) => {
      this.#ready = undefined;
      throw postgresFailure("outbox migrations", error);
    });
    await this.#ready;
  }

  async #tx<R>(work: TransactionWork<R>): Promise<R> {
    await this.#ensureReady();
    return withPostgresTransaction(this.#pool, work);
  }

  async #query<R>(what: string, sql: string, params: unknown[]): Promise<R[]> {
    await this.#ensureReady();
    try {
      return (await this.#pool.query(sql, params)).rows as R[];
    } catch (error) {
      throw postgresFailure(what, error);
    }
  }

  transaction<R>(work: TransactionWork<R>): Promise<R> {
    return this.#commits.transaction((w) => this.#tx(w), work);
  }

  async enqueue(tx: SqlTransaction, messages: readonly EventEnvelope[]): Promise<void> {
    assertEngine(tx, "postgres");
    const encoded = encodeMessages(messages);
    if (encoded.length === 0) return;
    await this.#ensureReady();
    // Sorted, so two transactions locking the same keys cannot deadlock.
    const keys = [...new Set(encoded.flatMap((m) => (m.key === null ? [] : [m.key])))].sort();
    try {
      await tx.query(ENQUEUE, [
        encoded.map((m) => m.id),
        encoded.map((m) => m.type),
        encoded.map((m) => m.key),
        encoded.map((m) => m.envelope),
        this.#clock.now().getTime(),
        OUTBOX_LOCKS.key,
        keys,
      ]);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AllFrameError("conflict", "an outbox message with one of these ids exists", {
          cause: error,
          details: { ids: encoded.map((m) => m.id) },
        });
      throw postgresFailure("enqueue", error);
    }
    this.#commits.enqueued(tx);
  }

  async claim(batchSize: number, leaseMs: number, workerId: string): Promise<OutboxRecord[]> {
    assertClaim(batchSize, leaseMs, workerId);
    const now = this.#clock.now().getTime();
    await this.#ensureReady();
    let results: pg.QueryResult<MessageRow>[];
    try {
      const sql = claimSql(now, batchSize, workerId, leaseMs);
      results = (await this.#pool.query(sql)) as unknown as pg.QueryResult<MessageRow>[];
    } catch (error) {
      throw postgresFailure("claim", error);
    }
    return (results[1]?.rows ?? []).map(recordFromRow).sort((a, b) => a.seq - b.seq);
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#query("markPublished", DELETE_MESSAGES, [[...ids]]);
  }

  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#query("release", RELEASE, [[...ids]]);
  }

  async recordFailure(id: string, error: unknown, retryDelayMs = 0): Promise<FailureOutcome> {
    const described = describeError(error);
    const now = this.#clock.now();
    return this.#tx(async (tx) => {
      const [row] = await tx.query<{ attempts: number; envelope: EventEnvelope }>(RECORD_FAILURE, [
        id,
        `${described.name}: ${described.message}`,
        now.getTime() + Math.max(0, retryDelayMs),
      ]);
      if (row === undefined) return { attempts: 0, deadLettered: false };
      if (row.attempts < this.maxAttempts) return { attempts: row.attempts, deadLettered: false };
      await tx.query(DELETE_MESSAGES, [[id]]);
      await tx.query(
        INSERT_DEAD_LETTER,
        deadLetterParams({
          id: this.#ids(),
          event: row.envelope,
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
    const [row] = await this.#query<{ n: string }>("backlog", `SELECT COUNT(*) AS n FROM ${T}`, []);
    return Number(row?.n ?? 0);
  }

  onCommit(listener: () => void): () => void {
    const off = this.#commits.add(listener);
    this.#wake.listen(true);
    return () => {
      off();
      this.#wake.listen(this.#commits.size > 0);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commits.clear();
    this.#wake.close();
    await this.#release();
  }
}
