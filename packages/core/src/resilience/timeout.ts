/**
 * Per-attempt timeout: the operation gets an `AbortSignal` that aborts `timeoutMs` after it started,
 * and the call fails with AllFrameError `timeout` at that moment even if the operation ignores the
 * signal (Polly's "pessimistic" / cockatiel's "aggressive" strategy).
 *
 * Every attempt of one policy has the same `timeoutMs`, so deadlines expire in the order they were
 * set: pending attempts sit in a FIFO list and one timer, armed for the oldest deadline, serves all of
 * them. A call costs no `setTimeout`/`clearTimeout` pair, which is most of what a timeout costs. The
 * timer keeps the process alive only while an attempt is pending, like a timer per attempt would.
 *
 * Source: seed 001 "Resilience"; seed 004's `ResiliencePolicy::Timeout { duration }`.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { TimeoutPolicy } from "./policy.ts";
import type { NowMs } from "./time-source.ts";

const ignore = (): void => {};

/** One pending attempt: its abort controller, deadline and place in the list. */
class PendingAttempt extends AbortController {
  readonly deadline: number;
  parent: AbortSignal | undefined = undefined;
  onParentAbort: (() => void) | undefined = undefined;
  previous: PendingAttempt | undefined = undefined;
  next: PendingAttempt | undefined = undefined;
  reject: (reason: unknown) => void = ignore;
  done = false;

  constructor(deadline: number) {
    super();
    this.deadline = deadline;
  }
}

/** One timeout, shared by every call of a policy. */
export class Timeout {
  readonly name: string;
  readonly policy: TimeoutPolicy;
  readonly #now: NowMs;
  #oldest: PendingAttempt | undefined;
  #newest: PendingAttempt | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(policy: TimeoutPolicy, options: { readonly name: string; readonly now: NowMs }) {
    this.name = options.name;
    this.policy = policy;
    this.#now = options.now;
  }

  /**
   * Runs `operation` with a signal that aborts after `timeoutMs`, or when `parent` aborts.
   * @returns the operation's result.
   * @throws AllFrameError `timeout` (`details: { reason: "timeout", timeoutMs }`) at the deadline;
   *   the signal aborts with the same error. When `parent` aborts: its reason.
   */
  run<T>(operation: (signal: AbortSignal) => Promise<T>, parent: AbortSignal | undefined): Promise<T> {
    if (parent?.aborted) return Promise.reject(parent.reason);
    const attempt = new PendingAttempt(this.#now() + this.policy.timeoutMs);
    this.#append(attempt);
    if (parent !== undefined) {
      attempt.parent = parent;
      attempt.onParentAbort = () => this.#end(attempt, parent.reason);
      parent.addEventListener("abort", attempt.onParentAbort, { once: true });
    }
    return new Promise<T>((resolve, reject) => {
      attempt.reject = reject;
      let result: Promise<T>;
      try {
        result = Promise.resolve(operation(attempt.signal));
      } catch (error) {
        if (this.#settle(attempt)) reject(error);
        return;
      }
      result.then(
        (value) => {
          if (this.#settle(attempt)) resolve(value);
        },
        (error: unknown) => {
          if (this.#settle(attempt)) reject(error);
        },
      );
    });
  }

  /** Ends `attempt` early with `reason`: aborts its signal and rejects its call. */
  #end(attempt: PendingAttempt, reason: unknown): void {
    if (!this.#settle(attempt)) return;
    attempt.abort(reason);
    attempt.reject(reason);
  }

  #append(attempt: PendingAttempt): void {
    if (this.#newest === undefined) {
      this.#oldest = attempt;
      if (this.#timer === undefined) this.#arm(attempt.deadline - this.#now());
      else this.#timer.ref();
    } else {
      this.#newest.next = attempt;
      attempt.previous = this.#newest;
    }
    this.#newest = attempt;
  }

  /** Takes `attempt` out of the list; false if it had already ended. */
  #settle(attempt: PendingAttempt): boolean {
    if (attempt.done) return false;
    attempt.done = true;
    const { previous, next } = attempt;
    if (previous === undefined) this.#oldest = next;
    else previous.next = next;
    if (next === undefined) this.#newest = previous;
    else next.previous = previous;
    // Nothing pending: the armed timer must not keep the process alive (unref is far cheaper than
    // clearTimeout, and the next call refs it again).
    if (this.#oldest === undefined) this.#timer?.unref();
    if (attempt.onParentAbort !== undefined)
      attempt.parent?.removeEventListener("abort", attempt.onParentAbort);
    return true;
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, delayMs));
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#now();
    let attempt = this.#oldest;
    while (attempt !== undefined && attempt.deadline <= now) {
      this.#end(
        attempt,
        new AllFrameError(
          "timeout",
          `"${this.name}" timed out after ${this.policy.timeoutMs} ms; the attempt was aborted`,
          { details: { reason: "timeout", timeoutMs: this.policy.timeoutMs } },
        ),
      );
      attempt = this.#oldest;
    }
    if (attempt !== undefined) this.#arm(attempt.deadline - now);
  }
}
