/**
 * Tracing and RED metrics for every HTTP request a service host answers, REST handlers, mounted
 * pages and Hono routes alike: one SERVER span per request, parented on the caller's trace headers
 * and active while the request is handled, and one `observeHttp` sample, both labelled with the
 * route pattern the response answered (OpenTelemetry HTTP semantic conventions).
 * @module
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { httpMethodLabel } from "../observability/http-method.ts";
import type { ServiceMetrics } from "../observability/metrics/service-metrics.ts";
import type { Tracing } from "../observability/tracing/create-tracing.ts";
import { startServerSpan } from "../observability/tracing/head-sampling.ts";
import { extractContext } from "../observability/tracing/propagation.ts";
import { httpRequestAttributes, recordHttpResponse } from "../observability/tracing/trace-http.ts";
import { routePatternOf } from "../runtime/route-pattern.ts";

/** What to record; either may be absent. */
export interface HttpInstrumentationOptions {
  readonly tracing?: Tracing;
  readonly metrics?: ServiceMetrics;
}

/**
 * Returns a wrapper for a host's request listener (`ServiceHostOptions.instrumentRequests`). The span
 * is named `"<METHOD> <route>"` when the response finishes (the route is only known then); unsampled
 * requests get a non-recording span and build no attributes. A response cut off before finishing
 * (client gone) is counted with status 499 (nginx's "client closed request") and its span gets
 * `error.type` "aborted".
 */
export function instrumentHttp(
  opts: HttpInstrumentationOptions,
): (listener: RequestListener) => RequestListener {
  const { tracing, metrics } = opts;
  return (listener) => {
    if (tracing === undefined && metrics === undefined) return listener;
    return (req: IncomingMessage, res: ServerResponse) => {
      const started = metrics?.monotonicMs() ?? 0;
      const method = httpMethodLabel(req.method);
      const parent = tracing === undefined ? undefined : extractContext(tracing, req.headers, ROOT_CONTEXT);
      const span =
        tracing === undefined || parent === undefined ? undefined : startServerSpan(tracing, method, parent);
      const done = () => {
        res.off("close", done);
        const route = routePatternOf(res);
        const finished = res.writableFinished;
        metrics?.observeHttp({
          method: req.method,
          route,
          statusCode: finished ? res.statusCode : 499,
          seconds: (metrics.monotonicMs() - started) / 1000,
        });
        if (span === undefined) return;
        if (span.isRecording()) {
          span.updateName(`${method} ${route}`);
          span.setAttributes(httpRequestAttributes(method, route, req.url));
          recordHttpResponse(span, finished ? res.statusCode : undefined);
        }
        span.end();
      };
      res.on("close", done);
      if (span === undefined || parent === undefined) listener(req, res);
      else context.with(trace.setSpan(parent, span), listener, undefined, req, res);
    };
  };
}
