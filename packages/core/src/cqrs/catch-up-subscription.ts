/**
 * Catch-up subscriptions to the global log: replay from a position, then follow live appends
 * (EventStoreDB's catch-up subscription; Emmett's `EventStoreDBEventStoreConsumer`).
 * @module
 */
import { setTimeout as delay } from "node:timers/promises";
import type { RecordedEvent } from "./event.ts";

/** Waits `ms` milliseconds; resolves (or rejects, either is fine) early when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The default `Sleep`: a real timer, abortable. */
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined);

/** Options of `EventStore.subscribe`. */
export interface CatchUpOptions {
  /**
   * The global position (1-based, inclusive) to start from. Default: the position after the durable
   * checkpoint `name` when named, else 1 (the whole log).
   */
  readonly fromPosition?: number;
  /**
   * A durable checkpoint name: the subscription starts after the position saved under it and saves the
   * position of the last handled event after each page (so a restart redelivers at most one page:
   * at-least-once). Unnamed subscriptions keep their position in memory only.
   */
  readonly name?: string;
  /** How often to poll the log for appends made by other processes, in ms; default the store's (500). */
  readonly pollIntervalMs?: number;
  /** Events read per page; default 500. */
  readonly batchSize?: number;
}

/** A running catch-up subscription. */
export interface EventStoreSubscription {
  /** The durable checkpoint name, when any. */
  readonly name: string | undefined;
  /** Global position of the last event handled; `fromPosition - 1` before any. */
  readonly position: number;
  /**
   * Resolves once the subscription has handled every event the log returned and is waiting for more:
   * after `await store.append(...)` in this process, `await sub.caughtUp()` means the handler saw it.
   * Rejects with the handler's error when the subscription failed.
   */
  caughtUp(): Promise<void>;
  /** Stops after the event being handled (if any); resolves when stopped. Never rejects. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves after `stop()`, rejects with the handler's or the log's error. */
  readonly done: Promise<void>;
}

/** What a subscription needs from its store. */
export interface SubscriptionSource {
  readAll(fromPosition: number, limit: number): Promise<readonly RecordedEvent[]>;
  loadCheckpoint(name: string): Promise<number>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  readonly sleep: Sleep;
  readonly onError: (error: unknown, subscription: string | undefined) => void;
  readonly onEnd: (subscription: CatchUpSubscription) => void;
}

/**
 * One subscription's loop: read a page from its position, hand each event to the handler in position
 * order (awaiting each), and when a page comes back short, wait for a wake-up (an append through the
 * same store) or the poll interval. It never hands out an event at or below its position, so it never
 * duplicates; it reads strictly from its position onward, so it skips nothing the log returns.
 *
 * A handler that throws, or a failing read of the log, stops the subscription: its checkpoint keeps
 * the last handled event, the error is logged, and `done` and `caughtUp()` reject with it.
 * Resubscribe to go on (from the checkpoint when named, or from `position + 1`).
 */
export class CatchUpSubscription implements EventStoreSubscription {
  readonly name: string | undefined;
  readonly done: Promise<void>;
  #position = 0;
  #stopped = false;
  #failed: { error: unknown } | undefined;
  #pendingWake = false;
  #idle = false;
  #wake: (() => void) | undefined;
  #idleWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  readonly #source: SubscriptionSource;
  readonly #options: CatchUpOptions;
  readonly #handler: (event: RecordedEvent) => void | Promise<void>;

  constructor(
    source: SubscriptionSource,
    options: CatchUpOptions,
    handler: (event: RecordedEvent) => void | Promise<void>,
  ) {
    this.#source = source;
    this.#options = options;
    this.#handler = handler;
    this.name = options.name;
    this.done = this.#run();
    this.done.catch(() => undefined); // reported through `onError`; awaiting `done` is optional
  }

  get position(): number {
    return this.#position;
  }

  /** Called by the store after each commit made through it: read again now, do not wait for the poll. */
  notify(): void {
    this.#pendingWake = true;
    this.#idle = false;
    this.#wake?.();
  }

  caughtUp(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed.error);
    if (this.#stopped || (this.#idle && !this.#pendingWake)) return Promise.resolve();
    return new Promise((resolve, reject) => this.#idleWaiters.push({ resolve, reject }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.done.catch(() => undefined);
  }

  async #run(): Promise<void> {
    const { name, fromPosition } = this.#options;
    const batchSize = this.#options.batchSize ?? 500;
    try {
      const start = fromPosition ?? (name === undefined ? 1 : (await this.#source.loadCheckpoint(name)) + 1);
      this.#position = start - 1;
      while (!this.#stopped) {
        this.#pendingWake = false;
        const page = await this.#source.readAll(this.#position + 1, batchSize);
        const before = this.#position;
        try {
          for (const event of page) {
            if (this.#stopped) break;
            if (event.position <= this.#position) continue;
            await this.#handler(event);
            this.#position = event.position;
          }
        } finally {
          if (name !== undefined && this.#position > before) {
            await this.#source.saveCheckpoint(name, this.#position);
          }
        }
        if (this.#stopped || page.length >= batchSize || this.#pendingWake) continue;
        await this.#waitForWake(this.#options.pollIntervalMs ?? 500);
      }
      this.#settleWaiters(undefined);
    } catch (error) {
      this.#failed = { error };
      this.#settleWaiters(this.#failed);
      this.#source.onError(error, name);
      throw error;
    } finally {
      this.#stopped = true;
      this.#source.onEnd(this);
    }
  }

  async #waitForWake(pollIntervalMs: number): Promise<void> {
    this.#idle = true;
    this.#settleWaiters(undefined);
    const abort = new AbortController();
    const woken = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    try {
      await Promise.race([woken, this.#source.sleep(pollIntervalMs, abort.signal)]);
    } finally {
      this.#wake = undefined;
      this.#idle = false;
      abort.abort();
    }
  }

  #settleWaiters(failure: { error: unknown } | undefined): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) {
      if (failure) w.reject(failure.error);
      else w.resolve();
    }
  }
}
