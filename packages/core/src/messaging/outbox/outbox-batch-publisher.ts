/**
 * The publishing step of the outbox relay: one claimed batch to the bus, each key in outbox order,
 * with the failures counted in the store.
 * @module
 */
import type { Logger } from "../../observability/logger.ts";
import type { EventBus } from "../event-bus.ts";
import { groupByKey } from "./outbox-relay-options.ts";
import type { OutboxRecord, OutboxStore } from "./outbox-store.ts";

/** What publishing one batch did. */
export interface BatchOutcome {
  /** Ids the bus accepted, to mark published. */
  readonly published: string[];
  /** The first store failure (recording a failed publish, or releasing the rest of its key). */
  readonly failure: PromiseRejectedResult | undefined;
}

/**
 * Publishes claimed batches for `OutboxRelay` and counts what happened (messages, unless named).
 * Messages with different keys (or none) publish concurrently; one key's messages publish one after
 * the other in outbox order, each once the bus accepted the one before. A failed publish is counted
 * with `recordFailure` (the message then waits `retryDelay(attempts)` ms, or goes to the dead letters
 * at the store's `maxAttempts`, after which the rest of its key flows on); otherwise the rest of its
 * key in the batch is released, so the key is never reordered.
 */
export class OutboxBatchPublisher {
  published = 0;
  failed = 0;
  deadLettered = 0;
  /** Batches published (non-empty). */
  batches = 0;
  readonly #store: OutboxStore;
  readonly #bus: EventBus;
  readonly #retryDelay: (attempt: number) => number;
  readonly #logger: Logger;

  constructor(store: OutboxStore, bus: EventBus, retryDelay: (attempt: number) => number, logger: Logger) {
    this.#store = store;
    this.#bus = bus;
    this.#retryDelay = retryDelay;
    this.#logger = logger;
  }

  /** Publishes `batch` (in outbox order); never rejects (store failures come back in the outcome). */
  async publish(batch: readonly OutboxRecord[]): Promise<BatchOutcome> {
    this.batches++;
    const published: string[] = [];
    const results = await Promise.allSettled(
      groupByKey(batch).map((group) => this.#publishInOrder(group, published)),
    );
    return { published, failure: results.find((r) => r.status === "rejected") };
  }

  async #publishInOrder(group: readonly OutboxRecord[], published: string[]): Promise<void> {
    for (const [index, record] of group.entries()) {
      try {
        await this.#bus.publish(record.event);
        published.push(record.id);
        this.published++;
      } catch (error) {
        this.failed++;
        const outcome = await this.#store.recordFailure(
          record.id,
          error,
          this.#retryDelay(record.attempts + 1),
        );
        const log = { err: error, messageId: record.id, type: record.event.type, attempts: outcome.attempts };
        if (outcome.deadLettered) {
          this.deadLettered++;
          this.#logger.error(log, "outbox message dead-lettered");
          continue;
        }
        this.#logger.warn(log, "outbox publish failed; will retry");
        await this.#store.release(group.slice(index + 1).map((r) => r.id));
        return;
      }
    }
  }
}
