/**
 * Moving trace context and baggage across process boundaries in header maps: HTTP request headers,
 * gRPC metadata, event envelope headers (W3C Trace Context, W3C Baggage, Zipkin B3 — whichever the
 * {@link Tracing} is configured with).
 * @module
 */
import { type Context, context, defaultTextMapGetter, defaultTextMapSetter } from "@opentelemetry/api";
import type { Tracing } from "./create-tracing.ts";
import type { TracePropagator } from "./tracing-config.ts";

/**
 * Incoming headers as Node's `IncomingHttpHeaders`, gRPC metadata maps and envelope headers hold
 * them: lower-case names, a value or a list of values.
 */
export type HeaderCarrier = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The headers each propagator reads. B3 is listed in both encodings because the B3 propagator
 * extracts either, whatever it injects.
 */
const B3_HEADERS = ["b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"];
const HEADERS_READ: Record<TracePropagator, readonly string[]> = {
  tracecontext: ["traceparent", "tracestate"],
  baggage: ["baggage"],
  b3: B3_HEADERS,
  b3multi: B3_HEADERS,
};

/** The headers `tracing`'s propagators read, worked out once per tracing. */
const contextHeaders = new WeakMap<Tracing, readonly string[]>();

function contextHeadersOf(tracing: Tracing): readonly string[] {
  let names = contextHeaders.get(tracing);
  if (names === undefined) {
    names = [...new Set(tracing.config.propagators.flatMap((name) => HEADERS_READ[name]))];
    contextHeaders.set(tracing, names);
  }
  return names;
}

/**
 * Writes the trace context (and baggage) of `ctx` into `headers` — e.g. `traceparent`, `tracestate`,
 * `baggage`, `b3` — and returns the same object. Nothing is written when `ctx` holds no valid span
 * context and no baggage.
 *
 * @param ctx default the active context.
 * @example
 * await fetch(url, { headers: injectHeaders(tracing, { accept: "application/json" }) });
 */
export function injectHeaders(
  tracing: Tracing,
  headers: Record<string, string> = {},
  ctx: Context = context.active(),
): Record<string, string> {
  tracing.propagator.inject(ctx, headers, defaultTextMapSetter);
  return headers;
}

/**
 * Reads trace context and baggage from `headers` on top of `base`: a span context found there becomes
 * the parent of spans started in the returned context; a format that is absent leaves `base`'s part.
 *
 * @param base default the active context; pass `ROOT_CONTEXT` to trust only the headers.
 */
export function extractContext(
  tracing: Tracing,
  headers: HeaderCarrier,
  base: Context = context.active(),
): Context {
  // Most requests to an edge service carry no trace headers: skip the propagators' parsing then.
  for (const name of contextHeadersOf(tracing)) {
    if (headers[name] !== undefined) return tracing.propagator.extract(base, headers, defaultTextMapGetter);
  }
  return base;
}
