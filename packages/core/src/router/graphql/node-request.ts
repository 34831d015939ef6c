/**
 * What the GraphQL endpoint needs from a `node:http` request: its headers in `HandlerContext` form, a
 * body read up to a limit, and a JSON error response.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** Headers as `HandlerContext.headers`: keys lower-cased (Node already does), first value of a repeat. */
export function handlerHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers)) out[key] = Array.isArray(value) ? value[0] : value;
  return out;
}

/**
 * Reads the request body as UTF-8 text.
 * @returns the text, or `undefined` when it is longer than `maxBytes` (declared or actual); the rest
 *   of an over-long body is discarded.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData).off("end", onEnd).resume();
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, length).toString("utf8"));
    req.on("data", onData).once("end", onEnd).once("error", reject);
  });
}

/** Ends `res` with `status` and a GraphQL-shaped JSON body `{ errors: [{ message }] }`. */
export function sendJsonError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
