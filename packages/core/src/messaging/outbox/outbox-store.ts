/**
 * The outbox store port: the table a service writes its outgoing events into, inside the same
 * transaction as its business write, and that a relay drains to the bus (Chris Richardson,
 * microservices.io, "Pattern: Transactional outbox"; seed: "built-in resilience patterns (outbox, DLQ,
 * idempotency) by default"). Implementations: SQLite and PostgreSQL; both pass `runOutboxStoreContract`.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { DeadLetterQueue } from "../consumer/dead-letter-queue.ts";
import { assertEventType, type EventEnvelope } from "../event-envelope.ts";
import type { SqlEngine, SqlTransaction, TransactionWork } from "./sql-transaction.ts";

/** One message waiting in the outbox, as a relay claimed it. */
export interface OutboxRecord {
  /** The event's id (`event.id`); every other method names the message by it. */
  readonly id: string;
  /** Position in the outbox: increasing in commit order on SQLite, in insert order on PostgreSQL. */
  readonly seq: number;
  /** The envelope exactly as enqueued. */
  readonly event: EventEnvelope;
  /** Failed publish attempts so far (0 on the first claim). */
  readonly attempts: number;
  /** When it was enqueued, ISO-8601 UTC (from the store's clock). */
  readonly enqueuedAt: string;
}

/** What {@link OutboxStore.recordFailure} did. */
export interface FailureOutcome {
  /** Failed attempts now recorded; 0 when the message was no longer in the outbox. */
  readonly attempts: number;
  /** True when this failure reached `maxAttempts` and the message moved to the dead-letter queue. */
  readonly deadLettered: boolean;
}

/** The outbox store port. */
export interface OutboxStore {
  readonly kind: SqlEngine;
  /** Failed attempts after which a message is dead-lettered (≥ 1). */
  readonly maxAttempts: number;
  /**
   * Runs `work` in one transaction of this store's database: do the business write through `tx`, then
   * `enqueue(tx, ...)`; both commit or neither does. After a commit that enqueued, `onCommit`
   * listeners run (a relay in this process wakes at once).
   * @throws whatever `work` throws, after rolling back; AllFrameError `"unavailable"` when the
   *   database cannot be reached.
   */
  transaction<T>(work: TransactionWork<T>): Promise<T>;
  /**
   * Adds `messages` to the outbox inside `tx` (from `transaction`, or any transaction on the same
   * database and engine). Order within the call is kept.
   * @throws AllFrameError `"validation"` for an empty id, an invalid type or data that is not JSON;
   *   `"conflict"` when an id is already in the outbox (the transaction is then unusable: rethrow);
   *   `"configuration"` when `tx` is of another engine.
   */
  enqueue(tx: SqlTransaction, messages: readonly EventEnvelope[]): Promise<void>;
  /**
   * Leases up to `batchSize` messages to `workerId` for `leaseMs` milliseconds, oldest first, and
   * returns them. A message is claimable when its lease has expired and no older message with the same
   * `key` is leased by anyone or waiting out a retry delay, so messages of one key are published in
   * order. Expired leases (a crashed relay) are claimed again: delivery is at-least-once.
   * @throws AllFrameError `"validation"` for a `batchSize` < 1 or `leaseMs` < 1; `"unavailable"`.
   */
  claim(batchSize: number, leaseMs: number, workerId: string): Promise<OutboxRecord[]>;
  /** Removes published messages; unknown ids are ignored (another relay may have finished them). */
  markPublished(ids: readonly string[]): Promise<void>;
  /** Gives leased messages back unpublished and uncounted (their lease ends now). */
  release(ids: readonly string[]): Promise<void>;
  /**
   * Counts a failed publish of `id`. Below `maxAttempts` the lease is extended by `retryDelayMs` (the
   * backoff; the message and the younger ones of its key wait); at `maxAttempts` the message leaves the
   * outbox for `deadLetters` in the same transaction, so a poison message never crash-loops a relay.
   */
  recordFailure(id: string, error: unknown, retryDelayMs?: number): Promise<FailureOutcome>;
  /** Messages in the outbox (leased or not), for metrics. */
  backlog(): Promise<number>;
  /** The messages that exhausted `maxAttempts`, with the last error; list, inspect, remove (redrive). */
  readonly deadLetters: DeadLetterQueue;
  /**
   * Calls `listener` after each commit that enqueued at least one message (PostgreSQL: also after
   * such commits of other processes); returns an unsubscribe.
   */
  onCommit(listener: () => void): () => void;
  /** Releases the connection (SQLite) or the pool lease (PostgreSQL). Idempotent. */
  close(): Promise<void>;
}

/** Options shared by the SQL outbox stores. */
export interface OutboxStoreOptions {
  /** Failed attempts before dead-lettering; default 5. */
  readonly maxAttempts?: number;
  /** Name recorded as `consumer` on dead letters; default `"outbox-relay"`. */
  readonly deadLetterConsumer?: string;
}

/** Table names of an outbox store. */
export const OUTBOX_TABLES = {
  messages: "allframe_outbox",
  dead: "allframe_outbox_dead",
} as const;

/** Default `maxAttempts`. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Validates `maxAttempts`. @throws AllFrameError `"configuration"` unless an integer ≥ 1. */
export function resolveMaxAttempts(value: number | undefined): number {
  const max = value ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(max) || max < 1)
    throw new AllFrameError("configuration", `outbox maxAttempts must be an integer ≥ 1, got ${max}`);
  return max;
}

/** Validates claim arguments. @throws AllFrameError `"validation"`. */
export function assertClaim(batchSize: number, leaseMs: number, workerId: string): void {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new AllFrameError("validation", `claim batchSize must be an integer ≥ 1, got ${batchSize}`);
  if (!Number.isFinite(leaseMs) || leaseMs < 1)
    throw new AllFrameError("validation", `claim leaseMs must be ≥ 1 ms, got ${leaseMs}`);
  if (workerId.trim() === "") throw new AllFrameError("validation", "claim needs a non-empty workerId");
}

/** One message ready to insert: columns in table order. */
export interface EncodedMessage {
  readonly id: string;
  readonly type: string;
  readonly key: string | null;
  readonly envelope: string;
}

/**
 * Checks and serialises messages for `enqueue`.
 * @throws AllFrameError `"validation"` for an empty id, an invalid type or an envelope that is not JSON.
 */
export function encodeMessages(messages: readonly EventEnvelope[]): EncodedMessage[] {
  return messages.map((event) => {
    if (typeof event.id !== "string" || event.id.trim() === "")
      throw new AllFrameError("validation", `outbox message of type "${event.type}" needs a non-empty id`);
    assertEventType(event.type);
    let envelope: string;
    try {
      envelope = JSON.stringify(event);
    } catch (cause) {
      throw new AllFrameError("validation", `event ${event.id} cannot be serialised to JSON`, { cause });
    }
    return { id: event.id, type: event.type, key: event.key ?? null, envelope };
  });
}

/** Asserts that `tx` runs on `engine`. @throws AllFrameError `"configuration"` otherwise. */
export function assertEngine(tx: SqlTransaction, engine: SqlEngine): void {
  if (tx.kind !== engine)
    throw new AllFrameError(
      "configuration",
      `this outbox is on ${engine}; enqueue in a ${engine} transaction (got ${tx.kind})`,
    );
}

/** The `{ name, message }` of any throwable, as dead letters store it (never the stack). */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** A row of the messages table as both engines return it. */
export interface MessageRow {
  readonly message_id: string;
  readonly seq: number | string | bigint;
  readonly envelope: string | EventEnvelope;
  readonly attempts: number | string;
  readonly enqueued_at: number | string | bigint;
}

/** Converts a messages-table row to an {@link OutboxRecord}. */
export function recordFromRow(row: MessageRow): OutboxRecord {
  return {
    id: row.message_id,
    seq: Number(row.seq),
    event: typeof row.envelope === "string" ? (JSON.parse(row.envelope) as EventEnvelope) : row.envelope,
    attempts: Number(row.attempts),
    enqueuedAt: new Date(Number(row.enqueued_at)).toISOString(),
  };
}

/**
 * Tells `onCommit` listeners (the relay's wake-up) after a transaction that enqueued has committed,
 * never after a rollback. A listener's failure never reaches the committing caller: the business
 * transaction has already committed, and a wake-up is only a hint (the relay also polls). A commit
 * no listener of this process hears goes to `unheard` (PostgreSQL: a NOTIFY for other processes).
 */
export class CommitNotifier {
  readonly #listeners = new Set<() => void>();
  readonly #enqueuedIn = new WeakSet<SqlTransaction>();
  readonly #unheard: (() => void) | undefined;

  constructor(unheard?: () => void) {
    this.#unheard = unheard;
  }

  /** Records that `tx` enqueued messages. */
  enqueued(tx: SqlTransaction): void {
    this.#enqueuedIn.add(tx);
  }

  /** Runs `work` through the store's `runTransaction`, then notifies if it enqueued and committed. */
  async transaction<R>(
    runTransaction: (work: TransactionWork<R>) => Promise<R>,
    work: TransactionWork<R>,
  ): Promise<R> {
    let enqueued = false;
    const result = await runTransaction(async (tx) => {
      const value = await work(tx);
      enqueued = this.#enqueuedIn.has(tx);
      return value;
    });
    if (enqueued) {
      if (this.#listeners.size > 0) this.wake();
      else this.#unheard?.();
    }
    return result;
  }

  /** Calls every listener now (a commit of this process, or one another process announced). */
  wake(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // A wake-up hint must never fail the business transaction that already committed.
      }
    }
  }

  /** Listeners registered now. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Adds a listener; returns its removal. */
  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.#listeners.clear();
  }
}
