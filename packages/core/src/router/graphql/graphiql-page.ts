/**
 * GraphiQL, served from the installed `@graphql-yoga/render-graphiql` package: its HTML inlines the
 * whole GraphiQL bundle, its CSS and its Monaco workers (about 9 MB), so the page works offline and
 * loads nothing from a CDN. Subscriptions run over graphql-ws on the same path.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";

const gzipAsync = promisify(gzip);

/** Options of {@link createGraphiqlPage}. */
export interface GraphiqlPageOptions {
  /** Path GraphiQL posts operations to and opens its WebSocket on, e.g. `/graphql`. */
  readonly endpoint: string;
  /** Browser tab title; default "GraphiQL". */
  readonly title?: string;
}

/** True when `req` is a browser navigation: a GET whose `Accept` names `text/html`. */
export function wantsGraphiql(req: IncomingMessage): boolean {
  return req.method === "GET" && (req.headers.accept ?? "").includes("text/html");
}

/**
 * A request handler that answers with the GraphiQL page (200, `text/html`). The page is rendered on
 * the first request and kept; gzip (about a quarter of the size) is used when the client accepts it
 * and is compressed off the event loop, once. Open `?query=...` to prefill the editor.
 */
export function createGraphiqlPage(
  options: GraphiqlPageOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let html: Buffer | undefined;
  let gzipped: Promise<Buffer> | undefined;
  return async (req, res) => {
    html ??= Buffer.from(
      renderGraphiQL({
        endpoint: options.endpoint,
        title: options.title ?? "GraphiQL",
        subscriptionsProtocol: "WS",
      }),
    );
    const useGzip = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
    if (useGzip) gzipped ??= gzipAsync(html);
    const body = gzipped !== undefined && useGzip ? await gzipped : html;
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-length": body.length,
      "cache-control": "no-cache",
      vary: "accept, accept-encoding",
      ...(useGzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(body);
  };
}
