/**
 * Log–trace correlation: the ids of the active span on every log line, under the field names the
 * OpenTelemetry log data model and most log backends use (`trace_id`, `span_id`).
 * @module
 */
import { context, isSpanContextValid, trace } from "@opentelemetry/api";

/**
 * The fields {@link traceLogMixin} adds: 32 and 16 lower-case hex characters. A type alias, not an
 * interface, so it fits pino's `mixin` return type (`Record<string, unknown>`).
 */
export type TraceLogFields = { trace_id?: string; span_id?: string };

/**
 * Returns `{ trace_id, span_id }` of the active span — sampled or not, so logs of unsampled requests
 * still correlate by trace id — or `{}` outside any span. Pass it as the logger's `mixin` (pino calls
 * it for each line).
 *
 * @example
 * const logger = createLogger({ service: "orders", mixin: traceLogMixin });
 */
export function traceLogMixin(): TraceLogFields {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
