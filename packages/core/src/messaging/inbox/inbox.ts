/**
 * The inbox port, or idempotent consumer: a consumer records each message id it has handled in its own
 * store, in the same transaction as the message's effect, so a redelivered message (at-least-once
 * buses, the outbox relay after a crash) has exactly one effect (Chris Richardson, microservices.io,
 * "Pattern: Idempotent Consumer"). Implementations: memory, SQLite, PostgreSQL; all pass
 * `runInboxContract`.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventHandler } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import type { SqlTransaction } from "../outbox/sql-transaction.ts";

/** The transaction of the memory inbox: it has no SQL, and its effects cannot roll back. */
export interface MemoryInboxTransaction {
  readonly kind: "memory";
  /** @throws AllFrameError `"unsupported"` always. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** What `work` receives: write the message's effect through it (`tx.query`, `outbox.enqueue(tx, ...)`). */
export type InboxTransaction = SqlTransaction | MemoryInboxTransaction;

/** `handled`: this call ran `work` and recorded the id; `duplicate`: the id was already recorded. */
export type InboxResult<T> =
  | { readonly status: "handled"; readonly value: T }
  | { readonly status: "duplicate" };

/** The inbox port. */
export interface Inbox {
  readonly kind: "memory" | "sqlite" | "postgres";
  /**
   * Runs `work` unless `consumer` already handled `messageId`, recording the id in the transaction
   * `work` writes in: both commit or neither does, so a failed `work` leaves the id unrecorded and the
   * message can be retried. Concurrent calls with one id run `work` once; the others resolve
   * `duplicate` once the first has committed (or run `work` themselves if it rolled back).
   * @throws AllFrameError `"validation"` for an empty `messageId` or `consumer`; whatever `work`
   *   throws; `"unavailable"` when the store cannot be reached.
   */
  handleOnce<T>(
    messageId: string,
    consumer: string,
    work: (tx: InboxTransaction) => Promise<T>,
  ): Promise<InboxResult<T>>;
  /** True when `consumer` has handled `messageId`. */
  has(messageId: string, consumer: string): Promise<boolean>;
  /** Forgets ids handled before `before` (retention: keep longer than any redelivery window); returns how many. */
  purge(before: Date): Promise<number>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Table of the SQL inboxes: `(consumer, message_id)` is the primary key; `handled_at` epoch ms. */
export const INBOX_TABLE = "allframe_inbox";

/** @throws AllFrameError `"validation"` for an empty message id or consumer name. */
export function assertInboxKey(messageId: string, consumer: string): void {
  if (typeof messageId !== "string" || messageId.trim() === "")
    throw new AllFrameError("validation", "inbox needs a non-empty message id");
  if (typeof consumer !== "string" || consumer.trim() === "")
    throw new AllFrameError("validation", "inbox needs a non-empty consumer name");
}

/**
 * Wraps `handler` so each event runs it at most once for `consumer` (deduplicated on `event.id`),
 * for `bus.subscribe` or a `Consumer`. A handler failure rejects, leaving the id unrecorded for retry.
 * @example
 * bus.subscribe("order.placed", idempotentHandler(inbox, "billing", async (event, tx) => {
 *   await tx.query("INSERT INTO invoices (order_id) VALUES ($1)", [event.data.orderId]);
 * }), { group: "billing" });
 */
export function idempotentHandler(
  inbox: Inbox,
  consumer: string,
  handler: (event: EventEnvelope, tx: InboxTransaction) => Promise<void>,
): EventHandler {
  assertInboxKey("-", consumer);
  return async (event) => {
    await inbox.handleOnce(event.id, consumer, (tx) => handler(event, tx));
  };
}
