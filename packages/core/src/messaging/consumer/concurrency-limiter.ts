/**
 * A counting semaphore with a FIFO wait queue: the consumer's concurrency limit.
 * @module
 */

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most `limit` holders at once; further `acquire()` calls wait in arrival order. */
export class ConcurrencyLimiter {
  readonly limit: number;
  #active = 0;
  readonly #waiting: Waiter[] = [];

  /** @param limit integer ≥ 1. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Holders right now. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Resolves once the caller holds a slot; call `release()` exactly once afterwards. */
  acquire(): Promise<void> {
    if (this.#active < this.limit) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Gives the slot to the longest waiter, or frees it. */
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#active -= 1;
    else next.resolve();
  }

  /** Rejects every waiter with `error`; returns how many there were. */
  rejectWaiting(error: unknown): number {
    const waiting = this.#waiting.splice(0);
    for (const waiter of waiting) waiter.reject(error);
    return waiting.length;
  }
}
