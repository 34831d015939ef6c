/**
 * `[observability]` → tracing defaults, which the standard `OTEL_*` variables then override
 * (`tracingConfigFromEnv`). Without an exporter in the environment nothing is exported, so a service
 * run on a laptop does not try to reach a collector; spans still propagate trace ids to logs and
 * downstream calls.
 * @module
 */
import type { TracePropagator, TracingDefaults } from "../observability/tracing/tracing-config.ts";
import type { ObservabilityProfile } from "./service-profile.ts";

const PROPAGATOR_NAMES: Readonly<Record<string, TracePropagator>> = {
  traceparent: "tracecontext",
  b3: "b3",
  baggage: "baggage",
};

/** The propagators `[observability]` asks for; baggage is added when any baggage key is on. */
function propagators(profile: ObservabilityProfile): TracePropagator[] {
  const names = new Set<TracePropagator>(
    (profile.propagation ?? ["traceparent"]).map((name) => PROPAGATOR_NAMES[name] ?? "tracecontext"),
  );
  if (Object.values(profile.baggage ?? {}).some(Boolean)) names.add("baggage");
  return [...names];
}

/** `sampling.strategy` + `rate` → ratio and parent-basing. */
function sampling(profile: ObservabilityProfile): { samplingRatio: number; parentBased: boolean } {
  const { strategy = "probabilistic", rate = 1 } = profile.sampling ?? {};
  switch (strategy) {
    case "always":
      return { samplingRatio: 1, parentBased: false };
    case "never":
      return { samplingRatio: 0, parentBased: false };
    case "parent-based":
      return { samplingRatio: rate, parentBased: true };
    default:
      return { samplingRatio: rate, parentBased: true };
  }
}

/**
 * Tracing defaults for `tracingConfigFromEnv`: sampling and propagators from the profile; exporter
 * `otlp` when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, else `none`.
 * @example tracingConfigFromEnv(env, profileTracingDefaults("orders", { sampling: { rate: 0.1 } }, env))
 */
export function profileTracingDefaults(
  serviceName: string,
  profile: ObservabilityProfile,
  env: Readonly<Record<string, string | undefined>>,
): TracingDefaults {
  const collector = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  return {
    serviceName,
    ...sampling(profile),
    propagators: propagators(profile),
    exporter: collector ? "otlp" : "none",
  };
}
