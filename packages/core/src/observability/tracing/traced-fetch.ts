/**
 * Outgoing HTTP calls that continue the trace: a CLIENT span per request and the trace context (and
 * baggage) injected into the request headers, so the callee's SERVER span joins the caller's trace
 * (OpenTelemetry semantic conventions, HTTP client spans).
 * @module
 */
import { context, SpanKind, SpanStatusCode, type TextMapSetter, trace } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { httpMethodLabel } from "../http-method.ts";
import type { Tracing } from "./create-tracing.ts";
import { failSpan } from "./span-errors.ts";

/** The `fetch` signature {@link tracedFetch} takes and returns. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const headersSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

/** `url.full` without user name and password (semantic conventions forbid credentials in it). */
function fullUrl(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

/**
 * Returns a `fetch` that traces each call: a CLIENT span named after the method (`"GET"`), with
 * `http.request.method`, `url.full` (credentials removed), `server.address`, `server.port` and
 * `http.response.status_code`; status ERROR for a 4xx/5xx response (`error.type` = the status) or a
 * network failure (rethrown). The span's context is injected into the request headers in every
 * configured format; headers given in `init` or on a `Request` are kept.
 *
 * @param fetchImpl the fetch to wrap; default `globalThis.fetch`.
 * @example
 * const http = tracedFetch(tracing);
 * const res = await http(`${inventoryUrl}/stock/${sku}`);
 */
export function tracedFetch(tracing: Tracing, fetchImpl: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const method = httpMethodLabel(init?.method ?? (input instanceof Request ? input.method : "GET"));
    const span = tracing.tracer.startSpan(method, { kind: SpanKind.CLIENT });
    if (span.isRecording()) {
      const url = new URL(input instanceof Request ? input.url : input);
      span.setAttributes({
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_FULL]: fullUrl(url),
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
      });
    }
    const ctx = trace.setSpan(context.active(), span);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    tracing.propagator.inject(ctx, headers, headersSetter);
    try {
      const response = await context.with(ctx, () => fetchImpl(input, { ...init, headers }));
      if (span.isRecording()) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
        if (response.status >= 400) {
          span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
      return response;
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
}
