/**
 * Resilience policies as plain, serialisable data: what a call needs (retry, circuit breaker, rate
 * limit, bulkhead, timeout, retry budget), with units in every field name. The domain declares them,
 * the application layer hands them to the `ResilienceOrchestrator`, the implementations live beside
 * it (seed 004 "Resilience Architecture Refactoring": contracts in the domain, orchestration in the
 * application layer, implementation in infrastructure).
 *
 * Defaults are the seed's "Resilience Defaults" (seed 000, reference `[resilience]` table).
 * @module
 */
import { z } from "zod";
import { AllFrameError } from "../errors/allframe-error.ts";
import { formatIssues, toErrorIssues } from "../runtime/zod-issues.ts";

/** How a backoff delay is randomised: `full` = U(0, d), `equal` = d/2 + U(0, d/2), `none` = d. */
export const JITTER_MODES = ["full", "equal", "none"] as const;
/** One of {@link JITTER_MODES}. */
export type JitterMode = (typeof JITTER_MODES)[number];

/** What each rate-limit bucket is keyed by (the forge's `rate_limit.per`). */
export const RATE_LIMIT_SCOPES = ["global", "user", "ip", "tenant"] as const;
/** One of {@link RATE_LIMIT_SCOPES}. */
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

/**
 * Client-side adaptive throttling of retries (Google SRE book, "Handling Overload"): a retry is
 * dropped with probability `max(0, (requests − k·accepts) / (requests + 1))` over the last `windowMs`.
 */
export interface AdaptiveRetryPolicy {
  /** Accepts multiplier `K` (≥ 1); the SRE book uses 2. Lower is more aggressive. */
  readonly k: number;
  /** Sliding window of the request/accept counts, ms. SRE default 120000 (2 minutes). */
  readonly windowMs: number;
}

/** Exponential backoff retry. `maxAttempts` counts the first call. */
export interface RetryPolicy {
  /** Attempts including the first call (integer ≥ 1). Default 3. */
  readonly maxAttempts: number;
  /** Delay before the first retry, ms (before jitter). Default 100. */
  readonly initialIntervalMs: number;
  /** Upper bound of a delay, ms; a `retryAfterMs` hint beyond it ends the retries. Default 10000. */
  readonly maxIntervalMs: number;
  /** Growth factor per retry (≥ 1). Default 2. */
  readonly multiplier: number;
  /** Default `full` (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
  readonly jitter: JitterMode;
  /** Retry only calls marked `idempotent: true` (payments). Default false. */
  readonly idempotentOnly: boolean;
  /** Adaptive throttling of retries; off when absent. */
  readonly adaptive?: AdaptiveRetryPolicy;
}

/** Consecutive-failure circuit breaker. */
export interface CircuitBreakerPolicy {
  /** Consecutive failures that open the breaker (integer ≥ 1). Default 5. */
  readonly failureThreshold: number;
  /** Successful half-open probes that close it again (integer ≥ 1). Default 3. */
  readonly successThreshold: number;
  /** How long it stays open before one probe is let through, ms. Default 30000. */
  readonly openTimeoutMs: number;
}

/** Token bucket per key: `burst` tokens, refilled at `rps` tokens per second. */
export interface RateLimitPolicy {
  /** Sustained rate, requests (tokens) per second (> 0). Default 1000. */
  readonly rps: number;
  /** Bucket capacity: calls that may pass at once after an idle spell (integer ≥ 1). Default 100. */
  readonly burst: number;
  /** What the caller's `key` names; `global` ignores the key (one bucket). Default `global`. */
  readonly per: RateLimitScope;
  /** Keys tracked before idle (full) buckets are dropped (integer ≥ 1). Default 10000. */
  readonly maxKeys: number;
}

/** Concurrency limit with a bounded wait queue. */
export interface BulkheadPolicy {
  /** Calls running at once (integer ≥ 1). Default 100. */
  readonly maxConcurrent: number;
  /** Calls waiting for a slot (integer ≥ 0); one more is rejected. Default 50. */
  readonly maxQueue: number;
}

/** Per-attempt time limit. */
export interface TimeoutPolicy {
  /** Time an attempt may take before its signal aborts, ms (> 0, ≤ 2147483647). */
  readonly timeoutMs: number;
}

/**
 * Retries limited to a share of recent calls (Finagle `RetryBudget`, Linkerd retry budgets):
 * a retry is allowed while `retries + 1 ≤ minRetriesPerSecond · windowMs/1000 + ratio · calls`.
 */
export interface RetryBudgetPolicy {
  /** Retries allowed per call in the window (≥ 0). Default 0.2 (20 %). */
  readonly ratio: number;
  /** Retries always allowed per second, so low traffic can still retry (≥ 0). Default 10. */
  readonly minRetriesPerSecond: number;
  /** Sliding window, ms. Default 10000. */
  readonly windowMs: number;
}

/**
 * Everything a call's resilience needs, as data; every section optional. `name` labels errors,
 * metrics and state-change events.
 * @example
 * const paymentPolicy = definePolicy({
 *   name: "payment-provider",
 *   retry: { maxAttempts: 3, idempotentOnly: true },
 *   circuitBreaker: { failureThreshold: 5, openTimeoutMs: 30_000 },
 *   timeout: { timeoutMs: 2_000 },
 * });
 */
export interface ResiliencePolicy {
  readonly name?: string;
  readonly retry?: RetryPolicy;
  readonly circuitBreaker?: CircuitBreakerPolicy;
  readonly rateLimit?: RateLimitPolicy;
  readonly bulkhead?: BulkheadPolicy;
  readonly timeout?: TimeoutPolicy;
  readonly retryBudget?: RetryBudgetPolicy;
}

/** A policy as written by hand: every field of every section may be left out for its default. */
export interface ResiliencePolicyInput {
  readonly name?: string;
  readonly retry?: Partial<Omit<RetryPolicy, "adaptive">> & {
    readonly adaptive?: Partial<AdaptiveRetryPolicy>;
  };
  readonly circuitBreaker?: Partial<CircuitBreakerPolicy>;
  readonly rateLimit?: Partial<RateLimitPolicy>;
  readonly bulkhead?: Partial<BulkheadPolicy>;
  readonly timeout?: TimeoutPolicy;
  readonly retryBudget?: Partial<RetryBudgetPolicy>;
}

/** The largest delay `setTimeout` honours, ms (2^31 − 1); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

const count = (min: number, what: string) =>
  z.number().int(`must be an integer (${what})`).min(min, `must be ≥ ${min} (${what})`);
const ms = (what: string) =>
  z.number().min(0, `must be ≥ 0 ms (${what})`).max(MAX_TIMER_MS, `must be ≤ ${MAX_TIMER_MS} ms (${what})`);
const positiveMs = (what: string) => ms(what).positive(`must be > 0 ms (${what})`);

const adaptiveSchema = z.strictObject({
  k: z.number().min(1, "must be ≥ 1 (accepts multiplier K)").default(2),
  windowMs: positiveMs("adaptive throttling window").default(120_000),
});

const retrySchema = z
  .strictObject({
    maxAttempts: count(1, "attempts including the first call").default(3),
    initialIntervalMs: ms("first backoff delay").default(100),
    maxIntervalMs: ms("largest backoff delay").default(10_000),
    multiplier: z.number().min(1, "must be ≥ 1 (backoff growth factor)").default(2),
    jitter: z.enum(JITTER_MODES).default("full"),
    idempotentOnly: z.boolean().default(false),
    adaptive: adaptiveSchema.optional(),
  })
  .refine((r) => r.maxIntervalMs >= r.initialIntervalMs, {
    message: "must be ≥ the first backoff delay (initial interval)",
    path: ["maxIntervalMs"],
  });

const policySchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    retry: retrySchema.optional(),
    circuitBreaker: z
      .strictObject({
        failureThreshold: count(1, "consecutive failures that open the breaker").default(5),
        successThreshold: count(1, "half-open successes that close the breaker").default(3),
        openTimeoutMs: positiveMs("time open before a probe").default(30_000),
      })
      .optional(),
    rateLimit: z
      .strictObject({
        rps: z.number().positive("must be > 0 (tokens per second)").default(1000),
        burst: count(1, "bucket capacity").default(100),
        per: z.enum(RATE_LIMIT_SCOPES).default("global"),
        maxKeys: count(1, "buckets kept in memory").default(10_000),
      })
      .optional(),
    bulkhead: z
      .strictObject({
        maxConcurrent: count(1, "calls running at once").default(100),
        maxQueue: count(0, "calls waiting for a slot").default(50),
      })
      .optional(),
    timeout: z.strictObject({ timeoutMs: positiveMs("time an attempt may take") }).optional(),
    retryBudget: z
      .strictObject({
        ratio: z.number().min(0, "must be ≥ 0 (retries per call)").default(0.2),
        minRetriesPerSecond: z.number().min(0, "must be ≥ 0 (retries per second)").default(10),
        windowMs: positiveMs("retry budget window").default(10_000),
      })
      .optional(),
  })
  .refine((p) => p.retryBudget === undefined || p.retry !== undefined, {
    message: "a retry budget limits retries: add a `retry` section or drop `retryBudget`",
    path: ["retryBudget"],
  });

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value))
    if (typeof child === "object" && child !== null) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * Validates a policy and fills in the defaults of every section it names; the result is frozen and
 * JSON-serialisable. Sections left out stay off (no section means no retry, no breaker, ...).
 *
 * @param input a hand-written policy, or a policy already defined (defining twice changes nothing).
 * @returns a complete, frozen {@link ResiliencePolicy}.
 * @throws AllFrameError `configuration` naming every bad field, e.g.
 *   `resilience policy "payments" is invalid: retry.maxAttempts: must be ≥ 1 (...)`, with `issues`.
 * @example
 * definePolicy({ retry: {} }).retry; // { maxAttempts: 3, initialIntervalMs: 100, ..., jitter: "full" }
 */
export function definePolicy(input: ResiliencePolicyInput): ResiliencePolicy {
  const result = policySchema.safeParse(input);
  if (result.success) return deepFreeze(result.data);
  const issues = toErrorIssues(result.error.issues);
  const name =
    typeof input === "object" && input !== null && "name" in input ? ` "${String(input.name)}"` : "";
  throw new AllFrameError(
    "configuration",
    `resilience policy${name} is invalid: ${formatIssues(issues)}. Fix the policy where it is declared.`,
    { issues },
  );
}
