/**
 * One log line per HTTP request, at a level chosen by outcome so a healthy service stays quiet
 * without losing failures: a JSON line per request at info costs a busy service more than its
 * routing does (measured in `npm run bench -- router`).
 * @module
 */
import type { Logger } from "../observability/logger.ts";

/** What a request log line carries. `durationMs` is wall time from arrival to response, 2 decimals. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

/** Paths probed every few seconds by orchestrators; always logged at debug. */
const PROBE_PATHS = new Set(["/health", "/ready"]);

/**
 * The level of a request's log line: `debug` for 1xx-3xx and for probes (`/health`, `/ready`),
 * `info` for 4xx (a client's mistake, worth seeing but not alarming), `error` for 5xx.
 */
export function requestLogLevel(status: number, path: string): "debug" | "info" | "error" {
  if (PROBE_PATHS.has(path)) return "debug";
  if (status >= 500) return "error";
  return status >= 400 ? "info" : "debug";
}

/**
 * Writes the `"request"` log line for a finished request. Costs one level check when the level is
 * disabled: nothing is built unless it will be written.
 * @param startedMs `performance.now()` when the request arrived.
 */
export function logRequest(
  logger: Logger,
  method: string,
  path: string,
  status: number,
  startedMs: number,
): void {
  const level = requestLogLevel(status, path);
  if (!logger.isLevelEnabled(level)) return;
  const entry: RequestLogEntry = {
    method,
    path,
    status,
    durationMs: Math.round((performance.now() - startedMs) * 100) / 100,
  };
  logger[level](entry, "request");
}
