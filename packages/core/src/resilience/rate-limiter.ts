/**
 * Token-bucket rate limiting per key (per user, IP, tenant, or one global bucket): `burst` calls
 * may pass at once, then `rps` per second. Each bucket is stored as one number, its "theoretical
 * arrival time" (GCRA, the generic cell rate algorithm, which is the token bucket written without a
 * refill loop): a bucket is full exactly when that time has passed, so idle buckets can be dropped
 * without changing any decision.
 *
 * Source: seed 001 "Resilience" (RateLimiter); the reference web-bff `rate_limit = { rps = 100,
 * burst = 20, per = "user" }`; GCRA as in ATM Forum TM 4.0 and redis-cell.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { RateLimitPolicy } from "./policy.ts";
import type { NowMs } from "./time-source.ts";

/** Floating-point slack when comparing times, ms, so `rps` values like 3 do not reject at the boundary. */
const EPSILON_MS = 1e-9;

/** One limiter: a bucket per key, at most `policy.maxKeys` of them in memory. */
export class RateLimiter {
  readonly name: string;
  readonly policy: RateLimitPolicy;
  readonly #now: NowMs;
  /** ms per token (1000 / rps). */
  readonly #intervalMs: number;
  /** How far ahead of now a bucket's arrival time may run: (burst − 1) tokens, ms. */
  readonly #toleranceMs: number;
  readonly #arrivals = new Map<string, number>();
  #globalArrival = Number.NEGATIVE_INFINITY;

  constructor(policy: RateLimitPolicy, options: { readonly name: string; readonly now: NowMs }) {
    this.name = options.name;
    this.policy = policy;
    this.#now = options.now;
    this.#intervalMs = 1000 / policy.rps;
    this.#toleranceMs = (policy.burst - 1) * this.#intervalMs;
  }

  /** Buckets held in memory (per-key limiters; 0 for `per: "global"`). */
  get trackedKeys(): number {
    return this.#arrivals.size;
  }

  /**
   * Takes one token from `key`'s bucket (the key is ignored when `per` is `global`).
   * @throws AllFrameError `rate-limited` with `details: { reason: "rate-limit", retryAfterMs }`
   *   (ms until the bucket holds a token again) when the bucket is empty.
   */
  acquire(key: string): void {
    const now = this.#now();
    const global = this.policy.per === "global";
    const stored = global ? this.#globalArrival : this.#arrivals.get(key);
    const arrival = stored === undefined || stored < now ? now : stored;
    const waitMs = arrival - now - this.#toleranceMs;
    if (waitMs > EPSILON_MS) {
      throw new AllFrameError(
        "rate-limited",
        `rate limit "${this.name}" exceeded (${this.policy.rps} per second, burst ${this.policy.burst}` +
          `${global ? "" : ` per ${this.policy.per}`}); retry after ${Math.ceil(waitMs)} ms`,
        { details: { reason: "rate-limit", limiter: this.name, retryAfterMs: Math.ceil(waitMs) } },
      );
    }
    if (global) {
      this.#globalArrival = arrival + this.#intervalMs;
      return;
    }
    if (stored === undefined && this.#arrivals.size >= this.policy.maxKeys) this.#evict(now);
    this.#arrivals.set(key, arrival + this.#intervalMs);
  }

  /**
   * Makes room for a new key: drops every full bucket (its arrival time has passed, so forgetting it
   * changes nothing). If every bucket is still filling, drops the longest-tracked tenth as well; those
   * keys start again with a full burst, which errs on the side of letting calls through.
   */
  #evict(now: number): void {
    for (const [key, arrival] of this.#arrivals) if (arrival <= now) this.#arrivals.delete(key);
    const keep = this.policy.maxKeys - Math.max(1, Math.floor(this.policy.maxKeys / 10));
    if (this.#arrivals.size <= keep) return;
    for (const key of this.#arrivals.keys()) {
      this.#arrivals.delete(key);
      if (this.#arrivals.size <= keep) break;
    }
  }
}
