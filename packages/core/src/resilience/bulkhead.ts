/**
 * Bulkhead: at most `maxConcurrent` calls run at once, at most `maxQueue` wait for a slot (first in,
 * first out), and one more is turned away at once, so a slow dependency holds a bounded share of the
 * service's memory and sockets.
 *
 * Overflow is AllFrameError `unavailable` (HTTP 503, gRPC UNAVAILABLE), not `rate-limited` (429):
 * the limit protects the service as a whole and says nothing about the caller's own rate, which is
 * what 429 means (RFC 6585). Envoy answers its own overflow the same way (503 with
 * `x-envoy-overloaded`), and UNAVAILABLE is the status gRPC retry policies retry, which is what a
 * full queue asks of the caller: try again, maybe on another instance.
 *
 * Source: Nygard, "Release It!" (bulkheads); Polly's and cockatiel's `bulkhead(limit, queue)`.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { BulkheadPolicy } from "./policy.ts";

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** One bulkhead, shared by every call of a policy. */
export class Bulkhead {
  readonly name: string;
  readonly policy: BulkheadPolicy;
  // A Set keeps arrival order and removes an aborted waiter in O(1).
  readonly #queue = new Set<Waiter>();
  #running = 0;

  constructor(policy: BulkheadPolicy, options: { readonly name: string }) {
    this.name = options.name;
    this.policy = policy;
  }

  /** Calls holding a slot now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#queue.size;
  }

  /**
   * Takes a slot. Returns `undefined` when one was free (no promise on the fast path), otherwise a
   * promise that resolves once a slot is handed over. Every successful acquire needs one `release()`.
   * @throws AllFrameError `unavailable` (`details.reason: "bulkhead-full"`) when the queue is full.
   * @returns a promise that rejects with `signal.reason` if `signal` aborts while waiting (the
   *   waiter leaves the queue and holds no slot).
   */
  acquire(signal: AbortSignal | undefined): Promise<void> | undefined {
    if (this.#running < this.policy.maxConcurrent) {
      this.#running += 1;
      return undefined;
    }
    if (this.#queue.size >= this.policy.maxQueue) {
      throw new AllFrameError(
        "unavailable",
        `bulkhead "${this.name}" is full: ${this.policy.maxConcurrent} calls running and ${this.policy.maxQueue} ` +
          "waiting; the service is at capacity, try again shortly",
        { details: { reason: "bulkhead-full", bulkhead: this.name } },
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#queue.delete(waiter);
          reject(signal?.reason);
        },
      };
      this.#queue.add(waiter);
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
    });
  }

  /** Gives a slot back; the longest-waiting call, if any, takes it over. */
  release(): void {
    for (const waiter of this.#queue) {
      this.#queue.delete(waiter);
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve();
      return;
    }
    this.#running -= 1;
  }
}
