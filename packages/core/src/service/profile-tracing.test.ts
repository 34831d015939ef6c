import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tracingConfigFromEnv } from "../observability/tracing/tracing-config.ts";
import { profileTracingDefaults } from "./profile-tracing.ts";

/** The reference example's [observability] table. */
const REFERENCE = {
  tracing: "opentelemetry",
  propagation: ["traceparent", "b3"],
  sampling: { strategy: "probabilistic", rate: 0.1 },
  metrics: "prometheus",
  baggage: { tenant_id: true, user_id: true, correlation_id: true },
} as const;

describe("profileTracingDefaults", () => {
  it("turns the reference table into W3C + B3 + baggage at ratio 0.1, exporting nothing without a collector", () => {
    assert.deepEqual(profileTracingDefaults("orders", REFERENCE, {}), {
      serviceName: "orders",
      samplingRatio: 0.1,
      parentBased: true,
      propagators: ["tracecontext", "b3", "baggage"],
      exporter: "none",
    });
  });

  it("exports over OTLP once a collector endpoint is set", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
    assert.equal(profileTracingDefaults("orders", REFERENCE, env).exporter, "otlp");
  });

  it("maps always and never to fixed ratios that ignore the parent", () => {
    const always = profileTracingDefaults("a", { sampling: { strategy: "always" } }, {});
    const never = profileTracingDefaults("a", { sampling: { strategy: "never" } }, {});
    assert.deepEqual([always.samplingRatio, always.parentBased], [1, false]);
    assert.deepEqual([never.samplingRatio, never.parentBased], [0, false]);
  });

  it("defaults to W3C trace context, every trace sampled, when the table is empty", () => {
    const defaults = profileTracingDefaults("a", {}, {});
    assert.deepEqual([defaults.propagators, defaults.samplingRatio], [["tracecontext"], 1]);
  });

  it("lets the OTEL_* variables override the architecture", () => {
    const env = { OTEL_TRACES_SAMPLER_ARG: "0.5", OTEL_PROPAGATORS: "tracecontext" };
    const config = tracingConfigFromEnv(env, profileTracingDefaults("orders", REFERENCE, env));
    assert.deepEqual([config.samplingRatio, config.propagators], [0.5, ["tracecontext"]]);
  });
});
