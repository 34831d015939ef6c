/**
 * The route pattern a response answered (`/users/:id`, never the raw path), recorded by the REST
 * router and the Hono fallback so request metrics and span names stay low-cardinality
 * (OpenTelemetry HTTP semantic conventions: `http.route`).
 * @module
 */
import type { ServerResponse } from "node:http";

const ROUTE = Symbol("allframe.route");

type Tagged = ServerResponse & { [ROUTE]?: string };

/** Records that `res` answers the route `pattern`. */
export function setRoutePattern(res: ServerResponse, pattern: string): void {
  (res as Tagged)[ROUTE] = pattern;
}

/** The route pattern `res` answered, or `"unmatched"` when no route matched (404, 405). */
export function routePatternOf(res: ServerResponse): string {
  return (res as Tagged)[ROUTE] ?? "unmatched";
}
