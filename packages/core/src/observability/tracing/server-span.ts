/**
 * The SERVER span every protocol adapter (REST, GraphQL, gRPC) opens around one incoming call:
 * parent from the caller's headers, the handler run inside it, failures classified through
 * `ERROR_CODE_MAPPING` (OpenTelemetry semantic conventions for HTTP and RPC server spans: a server
 * span is an error for 5xx-class outcomes only; a client's mistake is not the server's failure).
 * @module
 */
import { type Attributes, context, type Span, trace } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from "@opentelemetry/semantic-conventions";
import { ERROR_CODE_MAPPING, isAllFrameError } from "../../errors/allframe-error.ts";
import type { Tracing } from "./create-tracing.ts";
import { startServerSpan } from "./head-sampling.ts";
import { extractContext, type HeaderCarrier } from "./propagation.ts";
import { errorType, failSpan } from "./span-errors.ts";

/** The protocols AllFrame serves a handler over. */
export type ServerProtocol = "http" | "graphql" | "grpc";

/** Options of {@link withServerSpan}. */
export interface ServerSpanOptions {
  readonly protocol: ServerProtocol;
  /** Span name: `"GET /orders/:id"` (HTTP), the operation name (GraphQL), `"pkg.Service/Method"` (gRPC). */
  readonly name: string;
  /** The incoming headers or metadata to take the caller's trace context and baggage from. */
  readonly headers: HeaderCarrier;
  /**
   * Span attributes; a function is only called when the span is recorded, so unsampled calls build
   * nothing.
   */
  readonly attributes?: Attributes | (() => Attributes);
}

const PROTOCOL_ATTRIBUTES: Record<ServerProtocol, Attributes> = {
  http: {},
  graphql: {},
  grpc: { "rpc.system": "grpc" },
};

/**
 * Records a failed call on a server span, for adapters that turn errors into responses themselves
 * (GraphQL `errors`, gRPC status callbacks): `error.type` (the AllFrame code, or the error's class),
 * the protocol's status attribute (`http.response.status_code` or `rpc.grpc.status_code` from
 * `ERROR_CODE_MAPPING`; unknown throwables count as `internal`), and, when the code maps to HTTP 5xx,
 * an exception event and status ERROR. No-op when the span is not recording.
 */
export function recordServerError(span: Span, protocol: ServerProtocol, error: unknown): void {
  if (!span.isRecording()) return;
  const mapping = ERROR_CODE_MAPPING[isAllFrameError(error) ? error.code : "internal"];
  if (protocol === "http") span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, mapping.http);
  if (protocol === "grpc") span.setAttribute("rpc.grpc.status_code", mapping.grpc);
  if (mapping.http >= 500) failSpan(span, error);
  else span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
}

/**
 * Runs `fn` inside a new SERVER span whose parent is the trace context in `options.headers` (or the
 * active context when they carry none), then ends the span. The span is active inside `fn`, so logs
 * (see `traceLogMixin`), outgoing calls and events published there join the trace; baggage from the
 * headers is readable with `currentBaggage()`.
 *
 * A throw from `fn` is recorded with {@link recordServerError} and rethrown unchanged. Unsampled
 * calls get a non-recording span: no attributes are built, nothing is exported, but the trace id
 * still flows to everything `fn` calls. Their cost is one small span object (ids drawn only when
 * read; see `startServerSpan`), one context switch, and, only when the request carries trace
 * headers, the propagators' parsing.
 *
 * @returns what `fn` resolves to.
 * @example
 * const result = await withServerSpan(tracing, { protocol: "graphql", name: operationName ?? "graphql",
 *   headers: req.headers }, () => execute(args));
 */
export function withServerSpan<T>(
  tracing: Tracing,
  options: ServerSpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = extractContext(tracing, options.headers);
  const span = startServerSpan(tracing, options.name, parent);
  if (span.isRecording()) {
    span.setAttributes(PROTOCOL_ATTRIBUTES[options.protocol]);
    const { attributes } = options;
    if (attributes !== undefined)
      span.setAttributes(typeof attributes === "function" ? attributes() : attributes);
  }
  // Plain promise callbacks rather than an async wrapper: one promise less per request on the hot path.
  let pending: Promise<T>;
  try {
    pending = context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      recordServerError(span, options.protocol, error);
      span.end();
      throw error;
    },
  );
}
