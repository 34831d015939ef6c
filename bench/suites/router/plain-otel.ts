/**
 * The plain-SDK peer of the `router` suite's tracing figure: a `node:http` listener with minimal
 * manual instrumentation by the OpenTelemetry SDK alone (not `@opentelemetry/instrumentation-http`,
 * which does more): take the caller's context from `traceparent`, start a SERVER span with
 * `ParentBased(TraceIdRatioBased(ratio))`, make it active while the listener runs, set the status
 * code and end it when the response closes. No span processor, as the AllFrame server it is compared
 * with runs without an exporter. Nothing of AllFrame's is involved.
 * @module
 */
import type { RequestListener } from "node:http";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";

/**
 * Wraps `listener` so each request runs in its own SERVER span, sampled at `ratio` (0–1); registers
 * the global context manager and propagator, so call it once per process.
 */
export function withPlainOtel(listener: RequestListener, ratio: number): RequestListener {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracer = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
  }).getTracer("router-bench");
  return (req, res) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${req.method} /hello`,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": req.method, "http.route": "/hello", "url.path": req.url },
      },
      parent,
    );
    res.once("close", () => {
      span.setAttribute("http.response.status_code", res.statusCode);
      span.end();
    });
    context.with(trace.setSpan(parent, span), listener, undefined, req, res);
  };
}
