/**
 * The resilience orchestrator: runs an operation under a {@link ResiliencePolicy}, keeping one
 * circuit breaker, rate limiter, bulkhead, timeout list, retry budget and throttle per policy (and a
 * bucket per key inside the rate limiter). Application code calls it; the domain only declares the
 * policy as data (seed 004, "Phase 2: Application Layer Orchestration").
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { Bulkhead } from "./bulkhead.ts";
import {
  type Admission,
  CircuitBreaker,
  type CircuitStateListener,
  NOT_ADMITTED,
} from "./circuit-breaker.ts";
import { isDependencyFailure, isRetryableError } from "./error-classes.ts";
import { definePolicy, type ResiliencePolicy, type ResiliencePolicyInput } from "./policy.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { Retry, sleep } from "./retry.ts";
import { monotonicNow, type NowMs } from "./time-source.ts";
import { Timeout } from "./timeout.ts";

/** Per-call options of {@link ResilienceOrchestrator.execute}. */
export interface ExecuteOptions {
  /** The rate-limit bucket: the user, IP or tenant id the policy's `rateLimit.per` names. */
  readonly key?: string;
  /** The operation may run more than once with the same effect. Default false. */
  readonly idempotent?: boolean;
  /** The caller's cancellation: ends a queued wait, a backoff sleep and the running attempt. */
  readonly signal?: AbortSignal;
}

/** Construction options of {@link ResilienceOrchestrator}. */
export interface ResilienceOrchestratorOptions {
  /** Named policies, e.g. from `policyFromArchitecture`; `execute("name", ...)` uses them. */
  readonly policies?: Readonly<Record<string, ResiliencePolicyInput>>;
  /** Time source, ms; default `performance.now`. Tests pass a fake. */
  readonly now?: NowMs;
  /** Random numbers in [0, 1) for jitter and adaptive throttling; default `Math.random`. */
  readonly random?: () => number;
  /** Which errors are retried; default `isRetryableError`. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Which errors count against a dependency (breaker, throttle); default `isDependencyFailure`. */
  readonly isFailure?: (error: unknown) => boolean;
  /** Every circuit breaker's state changes, e.g. to feed a Prometheus gauge. */
  readonly onStateChange?: CircuitStateListener;
}

/** The live parts of one policy. */
interface PolicyRuntime {
  readonly name: string;
  readonly policy: ResiliencePolicy;
  readonly rateLimiter: RateLimiter | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly retry: Retry | undefined;
  readonly breaker: CircuitBreaker | undefined;
  readonly timeout: Timeout | undefined;
}

const NO_OPTIONS: ExecuteOptions = Object.freeze({});
/** Handed to operations when neither a timeout nor the caller can cancel them. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs operations under resilience policies. Composition order, outermost first:
 *
 * **rate limit → bulkhead → retry (budget, adaptive throttle) → circuit breaker → timeout → operation**
 *
 * - Rate limit first: the cheapest refusal, taken before any resource is held, and it counts the
 *   caller's calls, not the attempts retries make on the caller's behalf.
 * - Bulkhead outside retry: a call keeps its slot through its backoff sleeps, so retries can never
 *   push more than `maxConcurrent` calls at the dependency; our own refusals (rate limit, full
 *   bulkhead) are not retried here, they go back to the caller with their `retryAfterMs`.
 * - Retry outside the breaker: every attempt is counted by the breaker, and an open breaker's
 *   rejection tells the retry how long to wait (`retryAfterMs`); a wait beyond `maxIntervalMs` ends
 *   the retries instead of sleeping through the open period.
 * - Timeout innermost: each attempt gets the full `timeoutMs`, and a timed-out attempt counts as a
 *   breaker failure (slowness opens the breaker too).
 *
 * This is cockatiel's documented `wrap(retry, circuitBreaker, timeout)` and the order of .NET's
 * standard resilience handler built on Polly v8 (rate limiter → total timeout → retry → circuit
 * breaker → attempt timeout; the caller's `signal` plays the total timeout). Polly v7's wiki example
 * puts the bulkhead inside the breaker instead, which lets local saturation open the breaker.
 *
 * State is kept per policy: per registered name, or per policy object for inline policies, so
 * declare an inline policy once (a module constant), not as a literal in the call.
 *
 * @example
 * const resilience = new ResilienceOrchestrator({
 *   policies: { "payment-gateway": policyFromArchitecture(resolved.resilience, { name: "payment-gateway" }) },
 * });
 * const charge = await resilience.execute("payment-gateway", (signal) => stripe.charge(order, { signal }), {
 *   idempotent: true,
 * });
 */
export class ResilienceOrchestrator {
  readonly #named = new Map<string, PolicyRuntime>();
  readonly #inline = new WeakMap<object, PolicyRuntime>();
  readonly #now: NowMs;
  readonly #random: () => number;
  readonly #isRetryable: (error: unknown) => boolean;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #onStateChange: CircuitStateListener | undefined;

  /** @throws AllFrameError `configuration` for an invalid policy in `options.policies`. */
  constructor(options: ResilienceOrchestratorOptions = {}) {
    this.#now = options.now ?? monotonicNow;
    this.#random = options.random ?? Math.random;
    this.#isRetryable = options.isRetryable ?? isRetryableError;
    this.#isFailure = options.isFailure ?? isDependencyFailure;
    this.#onStateChange = options.onStateChange;
    for (const [name, policy] of Object.entries(options.policies ?? {})) this.register(name, policy);
  }

  /**
   * Adds a named policy.
   * @returns the defined (validated, defaults filled, frozen) policy.
   * @throws AllFrameError `configuration` if the name is taken or the policy is invalid.
   */
  register(name: string, policy: ResiliencePolicyInput): ResiliencePolicy {
    if (this.#named.has(name)) {
      throw new AllFrameError(
        "configuration",
        `resilience policy "${name}" is registered twice; give each one its own name`,
      );
    }
    const runtime = this.#build(name, policy);
    this.#named.set(name, runtime);
    return runtime.policy;
  }

  /** The circuit breaker of a policy (to export/restore its state or watch it), if it has one. */
  circuitBreaker(policyOrName: string | ResiliencePolicyInput): CircuitBreaker | undefined {
    return this.#runtime(policyOrName).breaker;
  }

  /**
   * Runs `operation` under a policy (see the class docs for the order).
   * @param policyOrName a registered name, or a policy object (state kept per object).
   * @param operation receives the signal to pass on to I/O; it aborts on timeout or cancellation.
   * @returns the operation's result.
   * @throws (as a rejected promise) AllFrameError `rate-limited` (bucket empty, `retryAfterMs`),
   *   `unavailable` (bulkhead full; breaker open with `retryAfterMs`), `timeout` (attempt timed out),
   *   `configuration` (unknown policy name, missing `key` for a per-key rate limit); otherwise the
   *   last attempt's own error, unchanged; the caller's `signal.reason` when it aborts.
   */
  execute<T>(
    policyOrName: string | ResiliencePolicyInput,
    operation: (signal: AbortSignal) => Promise<T>,
    options: ExecuteOptions = NO_OPTIONS,
  ): Promise<T> {
    let runtime: PolicyRuntime;
    try {
      runtime = this.#runtime(policyOrName);
      if (runtime.rateLimiter !== undefined) runtime.rateLimiter.acquire(bucketKey(runtime, options.key));
    } catch (error) {
      return Promise.reject(error);
    }
    if (runtime.bulkhead !== undefined)
      return this.#inBulkhead(runtime, runtime.bulkhead, operation, options);
    return this.#attempts(runtime, operation, options);
  }

  async #inBulkhead<T>(
    runtime: PolicyRuntime,
    bulkhead: Bulkhead,
    operation: (signal: AbortSignal) => Promise<T>,
    options: ExecuteOptions,
  ): Promise<T> {
    const waiting = bulkhead.acquire(options.signal);
    if (waiting !== undefined) await waiting;
    try {
      return await this.#attempts(runtime, operation, options);
    } finally {
      bulkhead.release();
    }
  }

  async #attempts<T>(
    { retry, breaker, timeout }: PolicyRuntime,
    operation: (signal: AbortSignal) => Promise<T>,
    options: ExecuteOptions,
  ): Promise<T> {
    const { signal } = options;
    retry?.beginCall();
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      let admission: Admission | typeof NOT_ADMITTED = NOT_ADMITTED;
      try {
        if (breaker !== undefined) admission = breaker.admit();
        const value =
          timeout !== undefined
            ? await timeout.run(operation, signal)
            : await operation(signal ?? NEVER_ABORTED);
        if (admission !== NOT_ADMITTED) breaker?.succeeded(admission);
        retry?.attemptSucceeded();
        return value;
      } catch (error) {
        // A call the caller gave up on says nothing about the dependency, whatever it threw.
        const cancelled = signal?.aborted === true;
        if (admission !== NOT_ADMITTED) {
          if (!cancelled && this.#isFailure(error)) breaker?.failed(admission);
          else breaker?.released(admission);
        }
        if (cancelled || retry === undefined) throw error;
        const delayMs = retry.delayAfter(attempt, error, options.idempotent === true);
        if (delayMs < 0) throw error;
        await sleep(delayMs, signal);
      }
    }
  }

  #runtime(policyOrName: string | ResiliencePolicyInput): PolicyRuntime {
    if (typeof policyOrName === "string") {
      const runtime = this.#named.get(policyOrName);
      if (runtime !== undefined) return runtime;
      const known = [...this.#named.keys()].map((name) => `"${name}"`).join(", ") || "none";
      throw new AllFrameError(
        "configuration",
        `no resilience policy named "${policyOrName}" (registered: ${known}); register it in the orchestrator's policies`,
      );
    }
    let runtime = this.#inline.get(policyOrName);
    if (runtime === undefined) {
      runtime = this.#build(policyOrName.name ?? "inline policy", policyOrName);
      this.#inline.set(policyOrName, runtime);
    }
    return runtime;
  }

  #build(name: string, input: ResiliencePolicyInput): PolicyRuntime {
    const policy = definePolicy(input);
    const now = this.#now;
    const breaker =
      policy.circuitBreaker === undefined
        ? undefined
        : new CircuitBreaker(policy.circuitBreaker, { name, now });
    if (breaker !== undefined && this.#onStateChange !== undefined)
      breaker.onStateChange(this.#onStateChange);
    return {
      name,
      policy,
      rateLimiter:
        policy.rateLimit === undefined ? undefined : new RateLimiter(policy.rateLimit, { name, now }),
      bulkhead: policy.bulkhead === undefined ? undefined : new Bulkhead(policy.bulkhead, { name }),
      retry:
        policy.retry === undefined
          ? undefined
          : new Retry(policy.retry, policy.retryBudget, {
              now,
              random: this.#random,
              isRetryable: this.#isRetryable,
              isFailure: this.#isFailure,
            }),
      breaker,
      timeout: policy.timeout === undefined ? undefined : new Timeout(policy.timeout, { name, now }),
    };
  }
}

/** The rate-limit bucket for a call; a per-key policy without a key is a wiring mistake. */
function bucketKey(runtime: PolicyRuntime, key: string | undefined): string {
  const per = runtime.policy.rateLimit?.per;
  if (per === "global") return "";
  if (key === undefined) {
    throw new AllFrameError(
      "configuration",
      `resilience policy "${runtime.name}" rate-limits per ${per}: pass execute(..., { key: <${per} id> })`,
    );
  }
  return key;
}
