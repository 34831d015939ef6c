/**
 * Resilience resolution: every service gets a complete set of policy settings, built from the
 * built-in defaults, the top-level `[resilience]` table and the service's own tables, key by key.
 *
 * Source: seed 000 "Resilience Defaults" and the per-service overrides of the reference example.
 * @module
 */
import type { Architecture, CircuitBreakerConfig, ServiceConfig } from "./schema.ts";

/** Fully resolved resilience settings of one service. Times in milliseconds. */
export interface ResolvedResilience {
  circuit_breaker: Required<
    Pick<CircuitBreakerConfig, "failure_threshold" | "success_threshold" | "timeout_ms">
  >;
  retry: {
    max_attempts: number;
    initial_interval_ms: number;
    max_interval_ms: number;
    multiplier: number;
    idempotent_only: boolean;
  };
  bulkhead: { max_concurrent: number; max_queue: number };
  rate_limit: { rps: number; burst: number; per: "global" | "user" | "ip" | "tenant" };
}

/**
 * Built-in defaults, used for every key neither `[resilience]` nor the service sets: breaker opens
 * after 5 failures, closes after 3 half-open successes, probes after 30 s; 3 attempts with 100 ms →
 * 10 s exponential (×2) backoff; 100 concurrent calls with 50 queued; 1000 rps with a burst of 100.
 */
export const DEFAULT_RESILIENCE: ResolvedResilience = Object.freeze({
  circuit_breaker: Object.freeze({ failure_threshold: 5, success_threshold: 3, timeout_ms: 30_000 }),
  retry: Object.freeze({
    max_attempts: 3,
    initial_interval_ms: 100,
    max_interval_ms: 10_000,
    multiplier: 2,
    idempotent_only: false,
  }),
  bulkhead: Object.freeze({ max_concurrent: 100, max_queue: 50 }),
  rate_limit: Object.freeze({ rps: 1000, burst: 100, per: "global" as const }),
});

type Layer = Partial<{ [K in keyof ResolvedResilience]: Partial<ResolvedResilience[K]> | undefined }>;

/**
 * Resolves the resilience of `service`, later layers winning key by key: defaults → top-level
 * `[resilience]` → the service's `circuit_breaker`/`retry`/`bulkhead`/`rate_limit` → for a gateway
 * `integrations.circuit_breaker`/`integrations.retry` → for a BFF `bff.rate_limit`.
 * @returns fresh objects, safe to mutate.
 */
export function resolveResilience(arch: Architecture, service: ServiceConfig): ResolvedResilience {
  const layers: Layer[] = [
    arch.resilience ?? {},
    {
      circuit_breaker: service.circuit_breaker,
      retry: service.retry,
      bulkhead: service.bulkhead,
      rate_limit: service.rate_limit,
    },
  ];
  if (service.type === "gateway") {
    layers.push({
      circuit_breaker: service.integrations?.circuit_breaker,
      retry: service.integrations?.retry,
    });
  }
  if (service.type === "bff") layers.push({ rate_limit: service.bff?.rate_limit });
  return {
    circuit_breaker: merge(
      DEFAULT_RESILIENCE.circuit_breaker,
      layers.map((l) => l.circuit_breaker),
    ),
    retry: merge(
      DEFAULT_RESILIENCE.retry,
      layers.map((l) => l.retry),
    ),
    bulkhead: merge(
      DEFAULT_RESILIENCE.bulkhead,
      layers.map((l) => l.bulkhead),
    ),
    rate_limit: merge(
      DEFAULT_RESILIENCE.rate_limit,
      layers.map((l) => l.rate_limit),
    ),
  };
}

/** Copies `base`, then each defined key of each layer in order; unknown keys are not copied. */
function merge<T extends object>(base: T, layers: readonly (Partial<T> | undefined)[]): T {
  const out = { ...base };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(base) as (keyof T)[]) {
      const value = layer[key];
      if (value !== undefined) out[key] = value as T[keyof T];
    }
  }
  return out;
}
