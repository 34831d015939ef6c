/**
 * Writing JSON answers and errors on a Node response, for REST routes and mounted handlers. Errors go
 * through the runtime's one mapping ({@link httpError}), so the REST router answers exactly as the
 * Hono routes of the same service do.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../observability/logger.ts";
import { httpError } from "../../runtime/http-errors.ts";

/** `/users/1?x=2` → `/users/1`. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Sends `body` as JSON (`application/json`, with `Content-Length`).
 * @param headers extra response headers, lower-case names.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): void {
  const text = JSON.stringify(body) ?? "null";
  const length = Buffer.byteLength(text);
  res.writeHead(
    status,
    headers === undefined
      ? { "content-type": "application/json", "content-length": length }
      : { ...headers, "content-type": "application/json", "content-length": length },
  );
  res.end(text);
}

/**
 * Answers a thrown value with its mapped status and `{ error: { code, message, issues? } }` body
 * (5xx and unknown throwables are logged with the stack). When the response has already begun (a
 * stream, a mounted handler that wrote), the connection is destroyed instead, so the client sees a
 * cut-off answer rather than a wrong one.
 * @returns the status the failure maps to (for the request log).
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger): number {
  const { status, body } = httpError(error, logger, { method: req.method ?? "GET", path: pathOf(req.url) });
  if (res.headersSent) res.destroy();
  else sendJson(res, status, body);
  return status;
}
