/**
 * `GET /openapi.json`: the OpenAPI document of a router's handlers, built on first request and again
 * only when handlers were added since.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HandlerDefinition } from "../handler.ts";
import { buildOpenApiDocument, type OpenApiInfo } from "./openapi-document.ts";

/**
 * A Node handler answering the document of `handlers()` as `application/json` (revalidated on every
 * load: `Cache-Control: no-cache`).
 * @param handlers returns the handlers to document; it may grow (e.g. `() => router.handlers`).
 * @throws (rejects with) AllFrameError `configuration` from `buildOpenApiDocument`.
 */
export function openApiHandler(
  handlers: () => readonly HandlerDefinition[],
  info: OpenApiInfo,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let built: { count: number; body: string } | undefined;
  return async (_req, res) => {
    const current = handlers();
    if (built?.count !== current.length) {
      built = { count: current.length, body: JSON.stringify(buildOpenApiDocument(current, info)) };
    }
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(built.body),
      "cache-control": "no-cache",
    });
    res.end(built.body);
  };
}
