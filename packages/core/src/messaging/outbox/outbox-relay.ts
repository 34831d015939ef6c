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
import { OutboxBatchPublisher } from "./outbox-batch-publisher.ts";
import { OutboxMarkQueue } from "./outbox-mark-queue.ts";
import { type OutboxRelayOptions, type OutboxRelayStats, positive } from "./outbox-relay-options.ts";
import type { OutboxRecord, OutboxStore } from "./outbox-store.ts";

export type { OutboxRelayOptions, OutboxRelayStats } from "./outbox-relay-options.ts";

/**
 * Drains an {@link OutboxStore} into an {@link EventBus}.
 *
 * - Per batch: `claim(batchSize, leaseMs)`, publish (`OutboxBatchPublisher`: keys concurrently, one
 *   key's messages one after the other, each once the broker acknowledged the one before; when one
 *   fails the rest of its key in the batch are released, so a relay never reorders a key), then
 *   `markPublished`.
 * - The loop pipelines: up to `maxBatchesInFlight` batches publish at once (the claim never hands out
 *   a message whose key has an older one leased, so batches in flight never share a key's run), a
 *   batch claimed while all of them are busy waits as the one claimed ahead, and marks run beside
 *   publishing, coalesced (`OutboxMarkQueue`). `stop()` hands back the batch claimed ahead
 *   (`release`) and waits for the batches in flight and their marks. Once a mark frees a batch's
 *   keys, commits that came in meanwhile wake the loop again (their messages may have waited on them).
 * - A failed publish is counted with `recordFailure` and retried after the backoff; at the store's
 *   `maxAttempts` it goes to the store's dead letters and the rest of its key flows on.
 * - The loop never dies: a store failure (database down) is logged and retried with backoff.
 * - After an empty or partial batch it waits until the batches in flight are published and marked,
 *   so the commits of that time go out in one claim rather than one claim each. Then, if it had
 *   batches in flight, it claims again at once (messages of their keys may be waiting); if not, it
 *   sleeps `pollIntervalMs`, or until `notify()` (called by the store's `onCommit` after each commit
 *   that enqueued; see the store for commits of other processes). Several batches are in flight when
 *   claims come back full.
 *
 * @throws AllFrameError `"configuration"` (constructor) for a `batchSize`, `maxBatchesInFlight`,
 *   `leaseMs` or `pollIntervalMs` below 1.
 * @example
 * const relay = new OutboxRelay({ store: outbox, bus });
 * relay.start();
 * host.onShutdown("outbox-relay", (signal) => relay.drain(signal), "drain");
 */
export class OutboxRelay {
  readonly workerId: string;
  readonly #store: OutboxStore;
  readonly #batchSize: number;
  readonly #batchesInFlight: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #retryDelay: (attempt: number) => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #logger: Logger;
  readonly #publisher: OutboxBatchPublisher;
  #storeErrors = 0;
  #loop: Promise<void> | undefined;
  #running = false;
  #wakeRequested = false;
  #idle: AbortController | undefined;
  #stopping = new AbortController();
  #offCommit: (() => void) | undefined;
  /** Commit wake-ups so far: a batch remembers the count at its claim (see `OutboxMarkQueue`). */
  #wakes = 0;
  readonly #publishing = new Set<Promise<void>>();
  #slotFreed: (() => void) | undefined;
  /** A store failure of a batch in flight or of a mark, thrown at the loop's next step. */
  #failure: { error: unknown } | undefined;
  readonly #marks: OutboxMarkQueue;

  constructor(opts: OutboxRelayOptions) {
    this.#store = opts.store;
    this.workerId = opts.workerId ?? `relay-${uuidGenerator()}`;
    this.#batchSize = positive("batchSize", opts.batchSize ?? 100);
    this.#batchesInFlight = positive("maxBatchesInFlight", opts.maxBatchesInFlight ?? 1);
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
    this.#publisher = new OutboxBatchPublisher(this.#store, opts.bus, this.#retryDelay, this.#logger);
    this.#marks = new OutboxMarkQueue(
      (ids) => this.#store.markPublished(ids),
      (wakesAtClaim) => {
        // Commits came in while these keys were leased: their messages may have been passed over.
        if (this.#wakes > wakesAtClaim) this.#wake();
      },
      (error) => {
        this.#failure ??= { error };
      },
    );
  }

  /** Starts the loop (idempotent while running). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = new AbortController();
    this.#offCommit = this.#store.onCommit(() => this.notify());
    this.#loop = this.#run();
  }

  /** Ends the idle wait at once: there is something to publish (a busy loop claims again right after). */
  notify(): void {
    this.#wakes++;
    this.#wake();
  }

  #wake(): void {
    this.#wakeRequested = true;
    this.#idle?.abort();
  }

  /**
   * Stops the loop: the batches in flight finish (published and marked), the one claimed ahead is
   * released, nothing new is claimed.
   * Resolves when the loop has ended, or when `signal` aborts (the batches' remaining messages are then
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
    const { published, failure } = await this.#publisher.publish(batch);
    // Mark what went out even when some group failed on the store: fewer duplicates later.
    await this.#store.markPublished(published);
    if (failure !== undefined) throw failure.reason;
    return batch.length;
  }

  #claim(): Promise<OutboxRecord[]> {
    return this.#store.claim(this.#batchSize, this.#leaseMs, this.workerId);
  }

  /** Counters and the current backlog (one store query). */
  async stats(): Promise<OutboxRelayStats> {
    return {
      backlog: await this.#store.backlog(),
      published: this.#publisher.published,
      failed: this.#publisher.failed,
      deadLettered: this.#publisher.deadLettered,
      batches: this.#publisher.batches,
      storeErrors: this.#storeErrors,
      running: this.#running,
    };
  }

  /**
   * `runOnce` over and over, pipelined (see the class): claim, hand the batch to a free publishing
   * slot (waiting for one as the batch claimed ahead), claim again at once after a full batch; after
   * a partial one, wait for a wake-up (or the poll) and for the batches in flight and their marks.
   */
  async #run(): Promise<void> {
    let failures = 0;
    let ahead: OutboxRecord[] = [];
    while (this.#running) {
      this.#wakeRequested = false;
      let claimed = 0;
      try {
        const failure = this.#failure;
        this.#failure = undefined;
        if (failure !== undefined) throw failure.error;
        const wakes = this.#wakes;
        ahead = await this.#claim();
        claimed = ahead.length;
        if (claimed > 0) {
          await this.#batchFinished(this.#batchesInFlight);
          if (!this.#running) break;
          this.#launch(ahead, wakes);
          ahead = [];
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
      if (claimed < this.#batchSize) {
        // A short claim: the outbox is drained, or the rest waits behind keys leased by batches in
        // flight. Either way, what comes next goes out after those batches and their marks (their keys
        // are free then), in one claim rather than one claim per commit (each a database round trip
        // the writers pay for). Only a relay that had nothing in flight sleeps: one with batches in
        // flight claims again as soon as they are marked, since messages of their keys may be waiting
        // (sleeping then left a drained outbox's last messages a poll interval behind).
        const hadInFlight = this.#publishing.size > 0;
        await this.#batchFinished(1);
        await this.#marks.settled();
        if (!hadInFlight && !this.#wakeRequested) await this.#wait(this.#pollMs, true);
      }
    }
    await this.#wind(ahead);
  }

  /** Publishes `batch` in the background, then queues its mark; a store failure goes to `#failure`. */
  #launch(batch: readonly OutboxRecord[], wakes: number): void {
    const task = this.#publisher
      .publish(batch)
      .then(({ published, failure }) => {
        // Mark what went out even when some group failed on the store: fewer duplicates later.
        this.#marks.add(published, wakes);
        if (failure !== undefined) throw failure.reason;
      })
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => {
        this.#publishing.delete(task);
        this.#slotFreed?.();
      });
    this.#publishing.add(task);
  }

  /** Resolves once fewer than `below` batches publish, or at `stop()`. */
  async #batchFinished(below: number): Promise<void> {
    while (this.#running && this.#publishing.size >= below) {
      const freed = new Promise<void>((resolve) => {
        this.#slotFreed = resolve;
      });
      const onStop = () => this.#slotFreed?.();
      this.#stopping.signal.addEventListener("abort", onStop, { once: true });
      await freed;
      this.#stopping.signal.removeEventListener("abort", onStop);
      this.#slotFreed = undefined;
    }
  }

  /** After the loop: waits for the batches in flight and their marks; hands a batch claimed ahead back. */
  async #wind(ahead: readonly OutboxRecord[]): Promise<void> {
    try {
      await Promise.all(this.#publishing);
      await this.#marks.settled();
      const failure = this.#failure;
      this.#failure = undefined;
      if (ahead.length > 0) await this.#store.release(ahead.map((r) => r.id));
      if (failure !== undefined) throw failure.error;
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
