/**
 * The consumer runtime behind every `consumer` service: subscribe as a consumer group, bound
 * concurrency, retry with backoff, park what still fails in a dead-letter queue (the seed's consumer
 * archetype: `concurrency`, `retry`, `dead_letter_queue`).
 * @module
 */
import { setTimeout as delay } from "node:timers/promises";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../../runtime/clock.ts";
import type { EventBus, EventHandler, Subscription } from "../event-bus.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import { type BackoffStrategy, backoffDelay } from "./backoff.ts";
import { ConcurrencyLimiter } from "./concurrency-limiter.ts";
import type { DeadLetter, DeadLetterQueue } from "./dead-letter-queue.ts";

/** Options for {@link Consumer}. */
export interface ConsumerOptions {
  /** Consumer name; also its consumer group on the bus. */
  name: string;
  /** Event types to consume; `"*"` for all. */
  events: string[];
  /** Events handled at once; more wait in a FIFO queue. Default 10. */
  concurrency?: number;
  /** Retries after the first attempt; default 3 (so 4 attempts). */
  maxRetries?: number;
  /** Default `"exponential"`. */
  backoff?: BackoffStrategy;
  /** Default 100 ms. */
  baseDelayMs?: number;
  /** Default 10000 ms. */
  maxDelayMs?: number;
  /** Jitter fraction 0..1 (see `backoffDelay`); default 0.2. */
  jitter?: number;
  /** Where exhausted events go; if absent they are logged as dropped. */
  deadLetterQueue?: DeadLetterQueue;
  /** Default: a logger for service `"consumer"`; either way bound with `consumer: name`. */
  logger?: Logger;
  /** Waits `ms` between attempts; must reject when `signal` aborts. Default `timers/promises` setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** False for errors that retrying cannot fix: they go straight to the dead-letter queue. Default: all retry. */
  isRetryable?: (error: unknown) => boolean;
  /** For `deadLetteredAt`; default the system clock. */
  clock?: Clock;
  /** For dead-letter ids; default random UUIDs. */
  ids?: IdGenerator;
  /** Random source for jitter; default `Math.random`. */
  random?: () => number;
}

/** Counters since construction, plus the current load. */
export interface ConsumerStats {
  received: number;
  succeeded: number;
  /** Retry attempts made (not events). */
  retried: number;
  deadLettered: number;
  /** Exhausted events with no dead-letter queue to go to. */
  dropped: number;
  /** Events given back unhandled because `stop()` came first (queued, or waiting to retry). */
  abandoned: number;
  inFlight: number;
  queued: number;
}

function describeError(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new AllFrameError("configuration", message);
}

/**
 * Consumes events from a bus. The handler's promise is the acknowledgement: the bus delivery settles
 * when the event succeeded or was dead-lettered, and rejects (so a broker redelivers) when `stop()`
 * gave it back unhandled.
 *
 * @example
 * const consumer = new Consumer(bus, { name: "billing", events: ["order.placed"], deadLetterQueue: dlq }, charge);
 * await consumer.start();
 * host.onShutdown("billing consumer", () => consumer.stop(), "drain");
 */
export class Consumer {
  readonly name: string;
  readonly #bus: EventBus;
  readonly #handler: EventHandler;
  readonly #options: ConsumerOptions;
  readonly #maxRetries: number;
  readonly #limiter: ConcurrencyLimiter;
  readonly #logger: Logger;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #counts = { received: 0, succeeded: 0, retried: 0, deadLettered: 0, dropped: 0, abandoned: 0 };
  readonly #running = new Set<Promise<unknown>>();
  #subscriptions: Subscription[] = [];
  #stopping = new AbortController();

  /** @throws AllFrameError `configuration` for an empty name or event list, or out-of-range numbers. */
  constructor(bus: EventBus, options: ConsumerOptions, handler: EventHandler) {
    check(options.name.trim() !== "", "a consumer needs a name");
    check(options.events.length > 0, `consumer ${options.name} needs at least one event type`);
    const concurrency = options.concurrency ?? 10;
    check(
      Number.isInteger(concurrency) && concurrency >= 1,
      `consumer ${options.name}: concurrency must be an integer ≥ 1`,
    );
    this.#maxRetries = options.maxRetries ?? 3;
    check(
      Number.isInteger(this.#maxRetries) && this.#maxRetries >= 0,
      `consumer ${options.name}: maxRetries must be an integer ≥ 0`,
    );
    this.name = options.name;
    this.#bus = bus;
    this.#handler = handler;
    this.#options = options;
    this.#limiter = new ConcurrencyLimiter(concurrency);
    this.#logger = (options.logger ?? createLogger({ service: "consumer" })).child({
      consumer: options.name,
    });
    this.#sleep =
      options.sleep ?? ((ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }));
    // Fail at construction, not at the first retry, on bad backoff settings.
    this.#delayFor(1, () => 0);
  }

  /**
   * Subscribes to every event type as consumer group `name`, and resolves once the broker holds every
   * subscription (`Subscription.ready`), so an event published after `start()` resolves reaches the
   * group: a durable consumer made after the event was stored would start past it. While the broker
   * is unreachable the bus keeps retrying (and logging), and `start()` waits. Calling it while
   * started does nothing.
   */
  async start(): Promise<void> {
    if (this.#subscriptions.length > 0) return;
    this.#stopping = new AbortController();
    const handle = (event: EventEnvelope) => this.#receive(event);
    const subscriptions = this.#options.events.map((type) =>
      this.#bus.subscribe(type, handle, { group: this.name, prefetch: this.#limiter.limit }),
    );
    this.#subscriptions = subscriptions;
    await Promise.all(subscriptions.map((subscription) => subscription.ready));
    if (subscriptions.length === 0) return; // stop() emptied them while the broker was setting up
    this.#logger.info({ events: this.#options.events, concurrency: this.#limiter.limit }, "consumer started");
  }

  /**
   * Stops taking events and waits for the handlers running now. Queued events and events waiting to
   * retry are given back unhandled (counted as `abandoned`; a broker redelivers them).
   */
  async stop(): Promise<void> {
    const subscriptions = this.#subscriptions.splice(0);
    const stopped = new AllFrameError(
      "unavailable",
      `consumer ${this.name} stopped before handling the event`,
    );
    this.#counts.abandoned += this.#limiter.rejectWaiting(stopped);
    this.#stopping.abort(stopped);
    await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
    while (this.#running.size > 0) await Promise.allSettled(this.#running);
    if (subscriptions.length > 0) this.#logger.info(this.stats(), "consumer stopped");
  }

  /** Counters and current load. */
  stats(): ConsumerStats {
    return { ...this.#counts, inFlight: this.#limiter.active, queued: this.#limiter.queued };
  }

  /**
   * Runs the handler once more for a dead letter (within the concurrency limit) and removes the entry
   * when it succeeds.
   * @throws AllFrameError `configuration` without a dead-letter queue; `not-found` for an unknown id;
   *   the handler's error when it fails again (the entry stays).
   */
  async redrive(deadLetterId: string): Promise<void> {
    const queue = this.#options.deadLetterQueue;
    if (queue === undefined)
      throw new AllFrameError("configuration", `consumer ${this.name} has no dead-letter queue`);
    const entry = (await queue.list()).find((candidate) => candidate.id === deadLetterId);
    if (entry === undefined)
      throw new AllFrameError("not-found", `dead letter ${deadLetterId} does not exist`);
    await this.#track(async () => {
      await this.#limiter.acquire();
      try {
        await this.#handler(entry.event);
      } finally {
        this.#limiter.release();
      }
      this.#counts.succeeded += 1;
      await queue.remove(deadLetterId);
      this.#logger.info({ deadLetterId, eventId: entry.event.id }, "dead letter redriven");
    });
  }

  #track<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    this.#running.add(running);
    void running.then(
      () => this.#running.delete(running),
      () => this.#running.delete(running),
    );
    return running;
  }

  #receive(event: EventEnvelope): Promise<void> {
    this.#counts.received += 1;
    if (this.#stopping.signal.aborted) {
      // A broker may still hand over an event while the subscription closes; give it back.
      this.#counts.abandoned += 1;
      return Promise.reject(this.#stopping.signal.reason);
    }
    return this.#track(async () => {
      await this.#limiter.acquire();
      try {
        await this.#attempt(event);
      } finally {
        this.#limiter.release();
      }
    });
  }

  async #attempt(event: EventEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#handler(event);
        this.#counts.succeeded += 1;
        return;
      } catch (error) {
        const retryable = this.#options.isRetryable?.(error) ?? true;
        if (attempt > this.#maxRetries || !retryable) return this.#deadLetter(event, error, attempt);
        const delayMs = this.#delayFor(attempt);
        this.#counts.retried += 1;
        this.#logger.warn({ err: error, eventId: event.id, attempt, delayMs }, "handler failed; will retry");
        try {
          await this.#sleep(delayMs, this.#stopping.signal);
        } catch (cause) {
          this.#counts.abandoned += 1;
          throw new AllFrameError(
            "unavailable",
            `consumer ${this.name} stopped before retrying event ${event.id}`,
            {
              cause,
            },
          );
        }
      }
    }
  }

  #delayFor(retry: number, random = this.#options.random ?? Math.random): number {
    const o = this.#options;
    return backoffDelay(o.backoff ?? "exponential", retry, {
      baseMs: o.baseDelayMs ?? 100,
      maxMs: o.maxDelayMs ?? 10_000,
      jitter: o.jitter ?? 0.2,
      random,
    });
  }

  async #deadLetter(event: EventEnvelope, error: unknown, attempts: number): Promise<void> {
    const fields = { err: error, eventId: event.id, eventType: event.type, attempts };
    const queue = this.#options.deadLetterQueue;
    if (queue === undefined) {
      this.#counts.dropped += 1;
      this.#logger.error(fields, "event dropped after its last attempt (no dead-letter queue configured)");
      return;
    }
    const entry: DeadLetter = {
      id: (this.#options.ids ?? uuidGenerator)(),
      event,
      error: describeError(error),
      attempts,
      consumer: this.name,
      deadLetteredAt: (this.#options.clock ?? systemClock).now().toISOString(),
    };
    await queue.add(entry);
    this.#counts.deadLettered += 1;
    this.#logger.warn({ ...fields, deadLetterId: entry.id }, "event dead-lettered");
  }
}
