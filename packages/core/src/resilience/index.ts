/**
 * @module resilience: policies as data (retry, circuit breaker, rate limit, bulkhead, timeout, retry
 * budget, adaptive retry), built from architecture.toml or by hand; the orchestrator that runs
 * operations under them; decorators as sugar over it.
 */
export { type ArchitectureResilienceTable, policyFromArchitecture } from "./architecture-policy.ts";
export { backoffDelayMs, seededRandom } from "./backoff.ts";
export { Bulkhead } from "./bulkhead.ts";
export {
  type Admission,
  CIRCUIT_STATES,
  CircuitBreaker,
  type CircuitBreakerState,
  type CircuitState,
  type CircuitStateChange,
  type CircuitStateListener,
} from "./circuit-breaker.ts";
export {
  type AsyncMethod,
  circuitBreaker,
  type DecoratorOptions,
  type ResilienceDecorator,
  rateLimited,
  resilient,
  retry,
} from "./decorators.ts";
export { isDependencyFailure, isNetworkError, isRetryableError, retryAfterMsOf } from "./error-classes.ts";
export {
  type ExecuteOptions,
  ResilienceOrchestrator,
  type ResilienceOrchestratorOptions,
} from "./orchestrator.ts";
export {
  type AdaptiveRetryPolicy,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  definePolicy,
  JITTER_MODES,
  type JitterMode,
  MAX_TIMER_MS,
  RATE_LIMIT_SCOPES,
  type RateLimitPolicy,
  type RateLimitScope,
  type ResiliencePolicy,
  type ResiliencePolicyInput,
  type RetryBudgetPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from "./policy.ts";
export { RateLimiter } from "./rate-limiter.ts";
export { monotonicNow, type NowMs, nowFromClock } from "./time-source.ts";
