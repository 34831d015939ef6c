/**
 * Retry budget: retries may add at most `ratio` of recent traffic (plus a small floor), so a
 * failing dependency sees at most ~(1 + ratio)× its normal load instead of `maxAttempts`×.
 *
 * Source: Finagle `RetryBudget(ttl, minRetriesPerSec, percentCanRetry)` and Linkerd retry budgets
 * (`retryRatio: 0.2`, `minRetriesPerSecond: 10`, `ttl: 10s`).
 * @module
 */
import type { RetryBudgetPolicy } from "./policy.ts";
import { WindowedCounter } from "./windowed-counter.ts";

/** One budget, shared by every call of a policy. */
export class RetryBudget {
  readonly #ratio: number;
  readonly #reserve: number;
  readonly #calls: WindowedCounter;
  readonly #retries: WindowedCounter;

  constructor(policy: RetryBudgetPolicy) {
    this.#ratio = policy.ratio;
    this.#reserve = (policy.minRetriesPerSecond * policy.windowMs) / 1000;
    this.#calls = new WindowedCounter(policy.windowMs);
    this.#retries = new WindowedCounter(policy.windowMs);
  }

  /** Records one call (a first attempt) at `nowMs`: each call earns `ratio` retries. */
  deposit(nowMs: number): void {
    this.#calls.add(nowMs);
  }

  /** Spends one retry if the window still allows it (`retries + 1 ≤ reserve + ratio · calls`). */
  tryWithdraw(nowMs: number): boolean {
    if (this.available(nowMs) < 1) return false;
    this.#retries.add(nowMs);
    return true;
  }

  /** Retries still allowed in the window ending at `nowMs` (may be fractional). */
  available(nowMs: number): number {
    return Math.max(0, this.#reserve + this.#ratio * this.#calls.total(nowMs) - this.#retries.total(nowMs));
  }
}
