/**
 * A fake `Sleep` for subscription tests: nothing waits on real time; the test decides when a poll
 * interval has passed.
 * @module
 */
import type { Sleep } from "./catch-up-subscription.ts";

/** Sleeps that end only when the test calls `tick()` (or the sleeper is woken and aborts them). */
export class FakeSleep {
  readonly #pending = new Set<() => void>();
  #onSleep: Array<() => void> = [];
  /** Every interval asked for, in ms. */
  readonly asked: number[] = [];

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      this.asked.push(ms);
      const done = () => {
        this.#pending.delete(done);
        resolve();
      };
      this.#pending.add(done);
      signal.addEventListener("abort", done, { once: true });
      const waiters = this.#onSleep;
      this.#onSleep = [];
      for (const w of waiters) w();
    });

  /** How many sleeps are in progress. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Resolves once some loop is sleeping (now, or at its next sleep). */
  sleeping(): Promise<void> {
    if (this.#pending.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onSleep.push(resolve));
  }

  /** Ends every sleep in progress, as if the poll interval passed; returns how many there were. */
  tick(): number {
    const sleeps = [...this.#pending];
    for (const done of sleeps) done();
    return sleeps.length;
  }

  /** Ends the current sleeps, then resolves when a loop sleeps again (it has polled and is idle). */
  async poll(): Promise<void> {
    this.tick();
    await new Promise<void>((resolve) => this.#onSleep.push(resolve));
  }
}
