/**
 * The relay of the Transactional Outbox: claims outbox messages with a lease, publishes them to the
 * event bus, then marks them published. At-least-once: a relay that dies between publish and mark
 * leaves its batch to be published again when the lease expires, so consumers deduplicate (use an
 * `Inbox`). Chris Richardson, microservices.io, "Pattern: Transactional outbox" and "Pattern:
 * Polling publisher".
 * @module
 */
import { setTimeout as delay } from "node:timers/promises";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { uuidGenerator } from "../../runtime/clock.ts";
import { type BackoffStrategy, backoffDelay } from "../consumer/backoff.ts";
import type { EventBus } from "../event-bus.ts";
import type { OutboxRecord, OutboxStore } from "./outbox-store.ts";

/** Options for {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  readonly store: OutboxStore;
  /** Where messages are published. */
  readonly bus: EventBus;
  /** This relay's lease owner name; default `relay-<uuid>`. */
  readonly workerId?: string;
  /** Messages claimed at once; default 100. */
  readonly batchSize?: number;
  /** Lease per claim in ms; must exceed the time a batch takes to publish. Default 30000. */
  readonly leaseMs?: number;
  /** Idle wait between polls when nothing is left, in ms; a same-process commit wakes it. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Backoff for a message's retries and for the loop after a store failure; default exponential. */
  readonly backoff?: BackoffStrategy;
  /** Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Default 30000 ms. */
  readonly maxDelayMs?: number;
  /** Jitter fraction 0..1 (see `backoffDelay`); default 0.2. */
  readonly jitter?: number;
  /** Waits `ms`; must resolve or reject when `signal` aborts. Default `timers/promises` setTimeout. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Random source for jitter; default `Math.random`. */
  readonly random?: () => number;
  /** Default a logger for service `"outbox-relay"`. */
  readonly logger?: Logger;
}

/** Counters since construction plus the current backlog; all counts are messages unless named. */
export interface OutboxRelayStats {
  /** Messages in the outbox now (leased or not). */
  readonly backlog: number;
  readonly published: number;
  /** Failed publish attempts. */
  readonly failed: number;
  readonly deadLettered: number;
  /** Batches claimed (non-empty). */
  readonly batches: number;
  /** Loop iterations that failed on the store (e.g. the database unreachable). */
  readonly storeErrors: number;
  readonly running: boolean;
}

/**
 * Drains an {@link OutboxStore} into an {@link EventBus}.
 *
 * - One batch at a time: `claim(batchSize, leaseMs)`, publish, then one `markPublished` for the batch.
 *   Messages with different keys (or none) publish concurrently; one key's messages publish one after
 *   the other in outbox order, and when one fails the rest of its key in the batch are released, so a
 *   relay never reorders a key.
 * - A failed publish is counted with `recordFailure` and retried after the backoff; at the store's
 *   `maxAttempts` it goes to the store's dead letters and the rest of its key flows on.
 * - The loop never dies: a store failure (database down) is logged and retried with backoff.
 * - After an empty or partial batch it sleeps `pollIntervalMs`, or until `notify()` (called by the
 *   store after each same-process commit that enqueued).
 *
 * @throws AllFrameError `"configuration"` (constructor) for a `batchSize`, `leaseMs` or
 *   `pollIntervalMs` below 1.
 * @example
 * const relay = new OutboxRelay({ store: outbox, bus });
 * relay.start();
 * host.onShutdown("outbox-relay", () => relay.stop(), "drain");
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
   * Runs one claim–publish–mark cycle and resolves with the number of messages claimed.
   * @throws AllFrameError `"unavailable"` (or the store's error) when the store fails; messages
   *   published before that are published again after the lease.
   */
  async runOnce(): Promise<number> {
    const batch = await this.#store.claim(this.#batchSize, this.#leaseMs, this.workerId);
    if (batch.length === 0) return 0;
    this.#batches++;
    const published: string[] = [];
    const results = await Promise.allSettled(
      groupByKey(batch).map((group) => this.#publishInOrder(group, published)),
    );
    // Mark what went out even when some group failed on the store: fewer duplicates later.
    await this.#store.markPublished(published);
    for (const result of results) if (result.status === "rejected") throw result.reason;
    return batch.length;
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

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      this.#wakeRequested = false;
      let claimed: number;
      try {
        claimed = await this.runOnce();
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

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1)
    throw new AllFrameError("configuration", `outbox relay ${name} must be ≥ 1, got ${value}`);
  return value;
}

/** Splits a batch (in outbox order) into per-key runs; a keyless message is a run of its own. */
function groupByKey(batch: readonly OutboxRecord[]): OutboxRecord[][] {
  const byKey = new Map<string, OutboxRecord[]>();
  const groups: OutboxRecord[][] = [];
  for (const record of batch) {
    const key = record.event.key;
    if (key === undefined) {
      groups.push([record]);
      continue;
    }
    let group = byKey.get(key);
    if (group === undefined) {
      group = [];
      byKey.set(key, group);
      groups.push(group);
    }
    group.push(record);
  }
  return groups;
}
