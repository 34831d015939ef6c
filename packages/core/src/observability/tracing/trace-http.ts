/**
 * Tracing for plain Node request handlers (`node:http`, find-my-way routes, the `/metrics` endpoint):
 * one SERVER span per request with the HTTP semantic-convention attributes.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from "@opentelemetry/semantic-conventions";
import { httpMethodLabel } from "../http-method.ts";
import type { Tracing } from "./create-tracing.ts";
import { withServerSpan } from "./server-span.ts";

/**
 * A Node request handler that settles when it has answered; extra arguments (find-my-way's `params`,
 * `store`) pass through wrappers untouched.
 */
export type NodeRequestHandler<A extends unknown[] = []> = (
  req: IncomingMessage,
  res: ServerResponse,
  ...rest: A
) => Promise<void>;

/** Options of {@link traceHttp}. */
export interface TraceHttpOptions {
  /** The route pattern the handler serves, e.g. `"/orders/:id"` — never the raw path (cardinality). */
  readonly route: string;
}

/** `http.request.method`, `http.route` and `url.path` (the request target without its query). */
export function httpRequestAttributes(method: string, route: string, url: string | undefined): Attributes {
  return {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_HTTP_ROUTE]: route,
    [ATTR_URL_PATH]: (url ?? "/").split("?", 1)[0] ?? "/",
  };
}

/**
 * Records how a request ended on a recording span: `http.response.status_code`; a 5xx sets
 * `error.type` to the status and the span status to ERROR, as does a response that never finished
 * (`statusCode` undefined: the client went away), with `error.type` "aborted".
 */
export function recordHttpResponse(span: Span, statusCode: number | undefined): void {
  if (!span.isRecording()) return;
  if (statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  if (statusCode !== undefined && statusCode < 500) return;
  span.setAttribute(ATTR_ERROR_TYPE, statusCode === undefined ? "aborted" : String(statusCode));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Wraps `handler` so each request runs in a SERVER span named `"<METHOD> <route>"`, parented on the
 * request's `traceparent`/`b3` headers, with `http.request.method`, `http.route`, `url.path` and,
 * once the handler settles, `http.response.status_code` (`res.statusCode`). A 5xx response (`error.type` = the
 * status) or a throw sets status ERROR (a throw is recorded as in `withServerSpan` and rethrown). For unsampled requests
 * no attribute is built.
 *
 * @example
 * const server = createServer(traceHttp(tracing, placeOrder, { route: "/orders" }));
 */
export function traceHttp<A extends unknown[]>(
  tracing: Tracing,
  handler: NodeRequestHandler<A>,
  options: TraceHttpOptions,
): NodeRequestHandler<A> {
  const { route } = options;
  return (req, res, ...rest) => {
    const method = httpMethodLabel(req.method);
    return withServerSpan(
      tracing,
      {
        protocol: "http",
        name: `${method} ${route}`,
        headers: req.headers,
        attributes: () => httpRequestAttributes(method, route, req.url),
      },
      (span) => handler(req, res, ...rest).then(() => recordHttpResponse(span, res.statusCode)),
    );
  };
}
