/**
 * HTTP request metrics for plain Node request handlers: count, 5xx count and duration per method,
 * route pattern and status (RED method: rate, errors, duration).
 * @module
 */
import { isAllFrameError } from "../../errors/allframe-error.ts";
import type { NodeRequestHandler } from "../tracing/trace-http.ts";
import type { ServiceMetrics } from "./service-metrics.ts";

/** Options of {@link meterHttp}. */
export interface MeterHttpOptions {
  /** The route pattern the handler serves, e.g. `"/orders/:id"` — never the raw path (cardinality). */
  readonly route: string;
}

/**
 * Wraps `handler` so each request is recorded with {@link ServiceMetrics.observeHttp}: the status is
 * `res.statusCode` once the handler settles; a throw counts as the thrown AllFrame error's HTTP
 * status (500 for anything else) and is rethrown.
 *
 * @example
 * createServer(traceHttp(tracing, meterHttp(metrics, placeOrder, { route: "/orders" }), { route: "/orders" }));
 */
export function meterHttp<A extends unknown[]>(
  metrics: ServiceMetrics,
  handler: NodeRequestHandler<A>,
  options: MeterHttpOptions,
): NodeRequestHandler<A> {
  const { route } = options;
  return async (req, res, ...rest) => {
    const start = metrics.monotonicMs();
    const observe = (statusCode: number) =>
      metrics.observeHttp({
        method: req.method,
        route,
        statusCode,
        seconds: (metrics.monotonicMs() - start) / 1000,
      });
    try {
      await handler(req, res, ...rest);
    } catch (error) {
      observe(isAllFrameError(error) ? error.mapping.http : 500);
      throw error;
    }
    observe(res.statusCode);
  };
}
