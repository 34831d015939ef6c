/**
 * The relay of the Transactional Outbox: claims outbox messages with a lease, publishes them to the
 * event bus, then marks them published. At-least-once: a relay that dies between publish and mark
 * leaves its batch to be published again when the lease expires, so consumers deduplicate (use an
 * `Inbox`). Chris Richardson, microservices.io, "Pattern: Transactional outbox" and "Pattern:
 * Polling publisher".
 * @module
 */
import { setTimeout as delay } from "node:timers/promises";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { uuidGenerator } from "../../runtime/clock.ts";
import { backoffDelay } from "../consumer/backoff.ts";
import type { EventBus } from "../event-bus.ts";
import {
  groupByKey,
  type OutboxRelayOptions,
  type OutboxRelayStats,
  positive,
} from "./outbox-relay-options.ts";
import type { OutboxRecord, OutboxStore } from "./outbox-store.ts";

export type { OutboxRelayOptions, OutboxRelayStats } from "./outbox-relay-options.ts";

/**
 * Drains an {@link OutboxStore} into an {@link EventBus}.
 *
 * - Per batch: `claim(batchSize, leaseMs)`, publish, then one `markPublished` for the batch.
 *   Messages with different keys (or none) publish concurrently; one key's messages publish one after
 *   the other in outbox order, each once the broker acknowledged the one before, and when one fails
 *   the rest of its key in the batch are released, so a relay never reorders a key.
 * - The loop pipelines: after a full batch it claims the next while this one publishes, and marks a
 *   batch while the next publishes. At most two batches are leased at once; `stop()` hands back the
 *   one claimed ahead (`release`) and waits for the last mark.
 * - A failed publish is counted with `recordFailure` and retried after the backoff; at the store's
 *   `maxAttempts` it goes to the store's dead letters and the rest of its key flows on.
 * - The loop never dies: a store failure (database down) is logged and retried with backoff.
 * - After an empty or partial batch it sleeps `pollIntervalMs`, or until `notify()` (called by the
 *   store's `onCommit` after each commit that enqueued; see the store for commits of other processes).
 *
 * @throws AllFrameError `"configuration"` (constructor) for a `batchSize`, `leaseMs` or
 *   `pollIntervalMs` below 1.
 * @example
 * const relay = new OutboxRelay({ store: outbox, bus });
 * relay.start();
 * host.onShutdown("outbox-relay", (signal) => relay.drain(signal), "drain");
 */
export class OutboxRelay {
  readonly workerId: string;
  readonly #store: OutboxStore;
  readonly #bus: EventBus;
  readonly #batchSize: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #retryDelay: (attempt: number) => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #logger: Logger;
  #published = 0;
  #failed = 0;
  #deadLettered = 0;
  #batches = 0;
  #storeErrors = 0;
  #loop: Promise<void> | undefined;
  #running = false;
  #wakeRequested = false;
  #idle: AbortController | undefined;
  #stopping = new AbortController();
  #offCommit: (() => void) | undefined;

  constructor(opts: OutboxRelayOptions) {
    this.#store = opts.store;
    this.#bus = opts.bus;
    this.workerId = opts.workerId ?? `relay-${uuidGenerator()}`;
    this.#batchSize = positive("batchSize", opts.batchSize ?? 100);
    this.#leaseMs = positive("leaseMs", opts.leaseMs ?? 30_000);
    this.#pollMs = positive("pollIntervalMs", opts.pollIntervalMs ?? 1000);
    const strategy = opts.backoff ?? "exponential";
    const backoff = {
      baseMs: opts.baseDelayMs ?? 100,
      maxMs: opts.maxDelayMs ?? 30_000,
      jitter: opts.jitter ?? 0.2,
      ...(opts.random === undefined ? {} : { random: opts.random }),
    };
    backoffDelay(strategy, 1, backoff);
    this.#retryDelay = (attempt) => backoffDelay(strategy, attempt, backoff);
    this.#sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#logger = (opts.logger ?? createLogger({ service: "outbox-relay" })).child({
      relay: this.workerId,
    });
  }

  /** Starts the loop (idempotent while running). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = new AbortController();
    this.#offCommit = this.#store.onCommit(() => this.notify());
    this.#loop = this.#run();
  }

  /** Ends the idle wait at once: there is something to publish. A no-op while a batch runs. */
  notify(): void {
    this.#wakeRequested = true;
    this.#idle?.abort();
  }

  /**
   * Stops the loop: the batch in flight finishes (published and marked), nothing new is claimed.
   * Resolves when the loop has ended, or when `signal` aborts (the batch's remaining messages are then
   * published again by whoever claims them after the lease). Does not close the store or the bus.
   */
  async stop(signal?: AbortSignal): Promise<void> {
    this.#running = false;
    this.#offCommit?.();
    this.#offCommit = undefined;
    this.#stopping.abort();
    this.#idle?.abort();
    const loop = this.#loop ?? Promise.resolve();
    if (signal === undefined) return loop;
    if (signal.aborted) return;
    await Promise.race([
      loop,
      new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
    ]);
  }

  /**
   * Stops the loop as `stop()` does, then publishes what is left in the outbox, batch after batch,
   * until a claim comes back empty: the shutdown step of a service whose requests have finished, so
   * its last commits go out now rather than after a restart (and are not lost with an in-memory
   * database). Messages waiting out a retry delay, or leased by another relay, stay for later. Ends
   * early when `signal` aborts; a store failure ends it too (logged; the messages stay in the outbox).
   */
  async drain(signal?: AbortSignal): Promise<void> {
    await this.stop(signal);
    try {
      while (signal?.aborted !== true && (await this.runOnce()) > 0);
    } catch (error) {
      this.#storeErrors++;
      this.#logger.warn({ err: error }, "outbox relay drain: store failed; the rest stays in the outbox");
    }
  }

  /**
   * Runs one claim–publish–mark cycle and resolves with the number of messages claimed.
   * @throws AllFrameError `"unavailable"` (or the store's error) when the store fails; messages
   *   published before that are published again after the lease.
   */
  async runOnce(): Promise<number> {
    const batch = await this.#claim();
    if (batch.length === 0) return 0;
    const { published, failure } = await this.#publish(batch);
    // Mark what went out even when some group failed on the store: fewer duplicates later.
    await this.#store.markPublished(published);
    if (failure !== undefined) throw failure.reason;
    return batch.length;
  }

  #claim(): Promise<OutboxRecord[]> {
    return this.#store.claim(this.#batchSize, this.#leaseMs, this.workerId);
  }

  /** Publishes a claimed batch; answers the ids that went out and the first store failure, if any. */
  async #publish(batch: readonly OutboxRecord[]): Promise<{
    published: string[];
    failure: PromiseRejectedResult | undefined;
  }> {
    this.#batches++;
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
        this.#published++;
      } catch (error) {
        this.#failed++;
        const outcome = await this.#store.recordFailure(
          record.id,
          error,
          this.#retryDelay(record.attempts + 1),
        );
        const log = { err: error, messageId: record.id, type: record.event.type, attempts: outcome.attempts };
        if (outcome.deadLettered) {
          this.#deadLettered++;
          this.#logger.error(log, "outbox message dead-lettered");
          continue;
        }
        this.#logger.warn(log, "outbox publish failed; will retry");
        await this.#store.release(group.slice(index + 1).map((r) => r.id));
        return;
      }
    }
  }

  /** Counters and the current backlog (one store query). */
  async stats(): Promise<OutboxRelayStats> {
    return {
      backlog: await this.#store.backlog(),
      published: this.#published,
      failed: this.#failed,
      deadLettered: this.#deadLettered,
      batches: this.#batches,
      storeErrors: this.#storeErrors,
      running: this.#running,
    };
  }

  /**
   * `runOnce` over and over, pipelined: while a full batch publishes, the next one is claimed (it
   * cannot hold a key of this one, whose messages are leased), and a batch's mark runs while the next
   * one publishes. A mark's failure surfaces at the next step that waits for it.
   */
  async #run(): Promise<void> {
    let failures = 0;
    let next: Promise<OutboxRecord[]> | undefined;
    let marking: Promise<void> = Promise.resolve();
    const marked = (): Promise<void> => {
      const pending = marking;
      marking = Promise.resolve();
      return pending;
    };
    while (this.#running) {
      this.#wakeRequested = false;
      let claimed: number;
      try {
        const prefetched = next;
        next = undefined;
        let batch = prefetched === undefined ? [] : await prefetched;
        if (batch.length === 0) {
          // The keys of the batch being marked are free only once it is: claim after the mark.
          await marked();
          batch = await this.#claim();
        }
        claimed = batch.length;
        if (claimed > 0) {
          if (claimed === this.#batchSize && this.#running) {
            next = this.#claim();
            next.catch(() => undefined); // awaited (and reported) at the next step
          }
          const { published, failure } = await this.#publish(batch);
          await marked();
          marking = this.#store.markPublished(published);
          marking.catch(() => undefined); // awaited (and reported) at the next step
          if (failure !== undefined) throw failure.reason;
        }
        failures = 0;
      } catch (error) {
        this.#storeErrors++;
        failures++;
        const wait = this.#retryDelay(failures);
        this.#logger.warn({ err: error, retryInMs: wait }, "outbox relay cycle failed; retrying");
        await this.#wait(wait, false);
        continue;
      }
      if (claimed < this.#batchSize && !this.#wakeRequested) await this.#wait(this.#pollMs, true);
    }
    await this.#wind(marked(), next);
  }

  /** After the loop: waits for the last mark, and hands a batch claimed ahead back at once. */
  async #wind(marking: Promise<void>, next: Promise<OutboxRecord[]> | undefined): Promise<void> {
    try {
      await marking;
      const ahead = (await next) ?? [];
      if (ahead.length > 0) await this.#store.release(ahead.map((r) => r.id));
    } catch (error) {
      this.#storeErrors++;
      this.#logger.warn({ err: error }, "outbox relay stop: store failed; leases expire on their own");
    }
  }

  /** Sleeps `ms`; `stop()` always ends it, `notify()` only when `wakeable`. */
  async #wait(ms: number, wakeable: boolean): Promise<void> {
    if (!this.#running) return;
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.#stopping.signal.addEventListener("abort", onStop, { once: true });
    if (wakeable) this.#idle = controller;
    try {
      await this.#sleep(ms, controller.signal);
    } catch {
      // Aborted: woken or stopping.
    } finally {
      this.#stopping.signal.removeEventListener("abort", onStop);
      if (this.#idle === controller) this.#idle = undefined;
    }
  }
}
