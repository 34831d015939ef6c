/**
 * @module observability/tracing: OpenTelemetry tracing for AllFrame services — setup from config or
 * `OTEL_*` variables, propagation (W3C Trace Context, Baggage, B3), server and client spans for every
 * protocol, event bus and outbox tracing, and trace ids on log lines.
 */
export {
  BAGGAGE_KEYS,
  type BaggageFields,
  type BaggageKey,
  contextWithBaggage,
  currentBaggage,
  withBaggage,
} from "./baggage.ts";
export { createTracing, type Tracing } from "./create-tracing.ts";
export { type TraceLogFields, traceLogMixin } from "./log-mixin.ts";
export { traceOutboxStore, withTraceHeaders } from "./outbox-tracing.ts";
export { extractContext, type HeaderCarrier, injectHeaders } from "./propagation.ts";
export {
  recordServerError,
  type ServerProtocol,
  type ServerSpanOptions,
  withServerSpan,
} from "./server-span.ts";
export { errorType, failSpan } from "./span-errors.ts";
export { traceEventBus } from "./trace-event-bus.ts";
export { type NodeRequestHandler, type TraceHttpOptions, traceHttp } from "./trace-http.ts";
export { type Fetch, tracedFetch } from "./traced-fetch.ts";
export {
  DEFAULT_OTLP_TRACES_ENDPOINT,
  parseTracingConfig,
  type ResolvedTracingConfig,
  TRACE_EXPORTERS,
  TRACE_PROPAGATORS,
  type TraceExporter,
  type TracePropagator,
  type TracingConfig,
  type TracingDefaults,
  tracingConfigFromEnv,
  tracingConfigSchema,
} from "./tracing-config.ts";
