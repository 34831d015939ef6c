/**
 * Tracing configuration: the `[observability]` table of architecture.toml (sampling rate, propagation
 * formats) in the runtime's terms, validated, plus the standard `OTEL_*` environment variables that
 * override it in a running service (OpenTelemetry specification, "Environment Variable
 * Specification"; seed 001: "OpenTelemetry — distributed tracing support").
 * @module
 */
import { z } from "zod";
import { AllFrameError } from "../../errors/allframe-error.ts";
import { formatIssues, toErrorIssues } from "../../runtime/zod-issues.ts";

/** Propagation formats: W3C Trace Context, W3C Baggage, Zipkin B3 single header, B3 multi-header. */
export const TRACE_PROPAGATORS = ["tracecontext", "baggage", "b3", "b3multi"] as const;
/** One of {@link TRACE_PROPAGATORS}; the names `OTEL_PROPAGATORS` uses. */
export type TracePropagator = (typeof TRACE_PROPAGATORS)[number];

/**
 * Where finished spans go: OTLP over HTTP (batched), the console, memory (tests read them back), or
 * nowhere (spans are still created, so trace context still propagates).
 */
export const TRACE_EXPORTERS = ["otlp", "console", "memory", "none"] as const;
/** One of {@link TRACE_EXPORTERS}. */
export type TraceExporter = (typeof TRACE_EXPORTERS)[number];

/** The OTLP/HTTP traces URL when none is configured (the collector's default port). */
export const DEFAULT_OTLP_TRACES_ENDPOINT = "http://localhost:4318/v1/traces";

/** Schema of {@link TracingConfig}; `createTracing` parses its input with it. */
export const tracingConfigSchema = z.object({
  serviceName: z.string().trim().min(1, "give the service name (OTEL_SERVICE_NAME)"),
  samplingRatio: z.number().min(0).max(1).describe("fraction of new traces recorded, 0..1"),
  parentBased: z.boolean().default(true),
  exporter: z.enum(TRACE_EXPORTERS),
  otlpEndpoint: z.url().default(DEFAULT_OTLP_TRACES_ENDPOINT),
  propagators: z.array(z.enum(TRACE_PROPAGATORS)).default(["tracecontext", "baggage"]),
  registerGlobal: z.boolean().default(false),
});

/**
 * Configuration of `createTracing`.
 * - `samplingRatio` 0..1: the share of new traces (no sampled parent) that are recorded and exported;
 *   unsampled requests still get a trace id that propagates.
 * - `parentBased` (default true): follow the caller's sampling decision when a request carries one
 *   (`ParentBased(TraceIdRatioBased)`); false samples every span by its trace id alone.
 * - `otlpEndpoint`: full OTLP/HTTP traces URL; default {@link DEFAULT_OTLP_TRACES_ENDPOINT}.
 * - `propagators`: formats injected and extracted, in order (on extract, later formats win); default
 *   `["tracecontext", "baggage"]`, as OpenTelemetry's own default.
 * - `registerGlobal` (default false): also install the provider and propagator as OpenTelemetry's
 *   process globals, for third-party instrumentations. Off by default so several instances (tests,
 *   one process hosting two services) never fight over globals; AllFrame's helpers always take the
 *   instance explicitly.
 */
export type TracingConfig = z.input<typeof tracingConfigSchema>;
/** {@link TracingConfig} with defaults applied. */
export type ResolvedTracingConfig = z.output<typeof tracingConfigSchema>;

/**
 * Validates a tracing configuration and applies defaults.
 * @throws AllFrameError `configuration` listing every bad field (`issues` carry `{ path, message }`).
 */
export function parseTracingConfig(config: TracingConfig): ResolvedTracingConfig {
  const result = tracingConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issues = toErrorIssues(result.error.issues);
  throw new AllFrameError("configuration", `invalid tracing configuration: ${formatIssues(issues)}`, {
    issues,
  });
}

const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

const unsetIfEmpty = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const list = (value: unknown) =>
  typeof value === "string" ? value.split(",").map((item) => item.trim().toLowerCase()) : value;

const otelEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.preprocess(unsetIfEmpty, z.stringbool().optional()),
  OTEL_SERVICE_NAME: z.preprocess(unsetIfEmpty, z.string().optional()),
  OTEL_TRACES_SAMPLER: z.preprocess(unsetIfEmpty, z.enum(SAMPLERS).optional()),
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).optional()),
  OTEL_PROPAGATORS: z.preprocess(
    (value) => list(unsetIfEmpty(value)),
    z.array(z.enum([...TRACE_PROPAGATORS, "none"])).optional(),
  ),
  OTEL_TRACES_EXPORTER: z.preprocess(unsetIfEmpty, z.enum(["otlp", "console", "none"]).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(unsetIfEmpty, z.url().optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(unsetIfEmpty, z.url().optional()),
});

/** What a generated service knows before reading the environment (from architecture.toml). */
export type TracingDefaults = Partial<TracingConfig> & { serviceName: string };

/**
 * Builds a {@link TracingConfig} from the standard OpenTelemetry variables over `defaults`:
 * `OTEL_SERVICE_NAME`; `OTEL_TRACES_SAMPLER` (`always_on`, `always_off`, `traceidratio`,
 * `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`) with
 * `OTEL_TRACES_SAMPLER_ARG` (ratio 0..1; without a sampler it overrides `defaults.samplingRatio`);
 * `OTEL_PROPAGATORS` (comma list of {@link TRACE_PROPAGATORS}, or `none`); `OTEL_TRACES_EXPORTER`
 * (`otlp`, `console`, `none`); `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (full URL), else
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; `OTEL_SDK_DISABLED=true` (exporter `none`). Without
 * variables or defaults: ratio 1, parent-based, exporter `otlp`, propagators tracecontext + baggage.
 *
 * @param env variables to read; default `process.env`.
 * @throws AllFrameError `configuration` naming each bad variable (e.g. a ratio outside 0..1, an
 *   unsupported sampler or propagator such as `jaeger`).
 * @example
 * const tracing = createTracing(tracingConfigFromEnv(process.env, { serviceName: "orders", samplingRatio: 0.1 }));
 */
export function tracingConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
  defaults: TracingDefaults,
): TracingConfig {
  const parsed = otelEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = toErrorIssues(parsed.error.issues);
    throw new AllFrameError(
      "configuration",
      `invalid OpenTelemetry environment: ${formatIssues(issues)}; see the OTEL_* variables in the OpenTelemetry specification`,
      { issues },
    );
  }
  const vars = parsed.data;
  const config: TracingConfig = {
    ...defaults,
    ...sampling(
      vars.OTEL_TRACES_SAMPLER,
      vars.OTEL_TRACES_SAMPLER_ARG ?? defaults.samplingRatio ?? 1,
      defaults,
    ),
    serviceName: vars.OTEL_SERVICE_NAME ?? defaults.serviceName,
    exporter:
      vars.OTEL_SDK_DISABLED === true ? "none" : (vars.OTEL_TRACES_EXPORTER ?? defaults.exporter ?? "otlp"),
  };
  const propagators = vars.OTEL_PROPAGATORS;
  if (propagators !== undefined)
    config.propagators = propagators.filter((name): name is TracePropagator => name !== "none");
  const endpoint =
    vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (vars.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${vars.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`);
  if (endpoint !== undefined) config.otlpEndpoint = endpoint;
  return config;
}

/** The ratio and parent-basing an `OTEL_TRACES_SAMPLER` value stands for (`ratio` from the ARG or defaults). */
function sampling(
  sampler: (typeof SAMPLERS)[number] | undefined,
  ratio: number,
  defaults: TracingDefaults,
): { samplingRatio: number; parentBased: boolean } {
  if (sampler === undefined) return { samplingRatio: ratio, parentBased: defaults.parentBased ?? true };
  const parentBased = sampler.startsWith("parentbased_");
  if (sampler.endsWith("always_on")) return { samplingRatio: 1, parentBased };
  if (sampler.endsWith("always_off")) return { samplingRatio: 0, parentBased };
  return { samplingRatio: ratio, parentBased };
}
