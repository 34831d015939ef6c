/**
 * `@retry`, `@circuitBreaker`, `@rateLimited` and `@resilient`: thin sugar over the
 * {@link ResilienceOrchestrator}, the TypeScript face of the seed's `#[retry]`, `#[circuit_breaker]`,
 * `#[rate_limited]` and `#[resilient(policy = ...)]` macros (seed 001, seed 004 "Phase 4").
 *
 * They are TC39 standard method decorators (TypeScript 5+ `decorators`, not `experimentalDecorators`)
 * and, with the same function, plain wrappers: `retry(policy)(fn)`.
 *
 * Limitation: Node's type stripping (how this repository runs `.ts`) leaves `@decorator` syntax in
 * place and V8 does not parse it yet, so the `@` form only works in code compiled by `tsc` (or
 * another decorator-aware compiler). Code run straight from `.ts` uses the wrapper form:
 * `charge = retry({ maxAttempts: 3 })(async function charge(order) { ... })`.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type ExecuteOptions, ResilienceOrchestrator } from "./orchestrator.ts";
import {
  type CircuitBreakerPolicy,
  definePolicy,
  type RateLimitPolicy,
  type ResiliencePolicy,
  type ResiliencePolicyInput,
} from "./policy.ts";

/** Any async method or function. */
export type AsyncMethod<This, Args extends unknown[], R> = (this: This, ...args: Args) => Promise<R>;

/** A standard method decorator that also wraps plain functions (`context` left out). */
export type ResilienceDecorator = <This, Args extends unknown[], R>(
  method: AsyncMethod<This, Args, R>,
  context?: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>,
) => AsyncMethod<This, Args, R>;

/** Options shared by the decorators. */
export interface DecoratorOptions {
  /** Where the state lives; default one orchestrator per decorated method (a breaker per method). */
  readonly orchestrator?: ResilienceOrchestrator;
  /** The method may run more than once with the same effect (needed by `idempotentOnly` retries). */
  readonly idempotent?: boolean;
  /**
   * The rate-limit bucket of a call, from the method's `this` and arguments (e.g. the user id);
   * required when the policy limits per user/IP/tenant.
   */
  readonly key?: (this: unknown, ...args: never[]) => string;
}

/**
 * Runs the method under `policy`. A policy object is defined once, when the decorator is made; each
 * decorated method then gets its own state (named after the method), unless `policy` is a name
 * registered in `options.orchestrator`, whose state all its users share.
 * @throws AllFrameError `configuration` at once for an invalid policy; when applied to anything but
 *   a method; at call time for a name `options.orchestrator` does not know.
 * @example
 * class PaymentClient {
 *   @resilient({ retry: { maxAttempts: 3, idempotentOnly: true }, circuitBreaker: {} }, { idempotent: true })
 *   async charge(order: Order): Promise<Receipt> { ... }
 * }
 */
export function resilient(
  policy: string | ResiliencePolicyInput,
  options: DecoratorOptions = {},
): ResilienceDecorator {
  const defined = typeof policy === "string" ? policy : definePolicy(policy);
  return <This, Args extends unknown[], R>(
    method: AsyncMethod<This, Args, R>,
    context?: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>,
  ): AsyncMethod<This, Args, R> => {
    if (context !== undefined && context.kind !== "method") {
      throw new AllFrameError(
        "configuration",
        `resilience decorators apply to methods; "${String((context as { name?: unknown }).name)}" is a ${String((context as { kind?: unknown }).kind)}`,
      );
    }
    const name = String(context?.name ?? method.name) || "anonymous function";
    const orchestrator = options.orchestrator ?? new ResilienceOrchestrator();
    // One object per decorated method: the orchestrator keeps inline-policy state per object.
    const target: string | ResiliencePolicy = typeof defined === "string" ? defined : { ...defined, name };
    const key = options.key as ((this: This, ...args: Args) => string) | undefined;
    const idempotent = options.idempotent === true;
    return function (this: This, ...args: Args): Promise<R> {
      const callOptions: ExecuteOptions = { idempotent, key: key?.apply(this, args) };
      return orchestrator.execute(target, () => method.apply(this, args), callOptions);
    };
  };
}

/**
 * `@retry(policy?)`: retries the method (exponential backoff with jitter; defaults as in `definePolicy`).
 * @example
 * class Inventory { @retry({ maxAttempts: 5 }, { idempotent: true }) async reserve(sku: string) { ... } }
 * const reserve = retry({ maxAttempts: 5 })(async (sku: string) => { ... }); // without a compiler
 */
export function retry(
  policy: NonNullable<ResiliencePolicyInput["retry"]> = {},
  options?: DecoratorOptions,
): ResilienceDecorator {
  return resilient({ retry: policy }, options);
}

/** `@circuitBreaker(policy?)`: calls fail fast while the method's dependency keeps failing. */
export function circuitBreaker(
  policy: Partial<CircuitBreakerPolicy> = {},
  options?: DecoratorOptions,
): ResilienceDecorator {
  return resilient({ circuitBreaker: policy }, options);
}

/**
 * `@rateLimited(policy, { key })`: a token bucket per key (or one for `per: "global"`).
 * @example
 * class Bff {
 *   @rateLimited({ rps: 100, burst: 20, per: "user" }, { key: (user: User) => user.id })
 *   async dashboard(user: User) { ... }
 * }
 */
export function rateLimited(
  policy: Partial<RateLimitPolicy> = {},
  options?: DecoratorOptions,
): ResilienceDecorator {
  return resilient({ rateLimit: policy }, options);
}
