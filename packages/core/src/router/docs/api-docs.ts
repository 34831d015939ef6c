/**
 * Mounts a service's API documentation on its REST router: the OpenAPI document and the Scalar API
 * reference that renders it, both served by the service itself.
 * @module
 */
import type { OpenApiInfo } from "../openapi/openapi-document.ts";
import { openApiHandler } from "../openapi/openapi-route.ts";
import type { RestRouter } from "../rest/rest-router.ts";
import { scalarBundle, serveScalarBundle } from "./scalar-bundle.ts";
import { type ScalarPage, scalarPage } from "./scalar-page.ts";

/** Options for {@link mountApiDocs}: the document's info, and where to serve. */
export interface ApiDocsOptions extends OpenApiInfo {
  /** Default `/openapi.json`. */
  openApiPath?: string;
  /** The page; Scalar's bundle is served at `<docsPath>/scalar.js`. Default `/docs`. */
  docsPath?: string;
}

/**
 * Serves `GET <openApiPath>` (the OpenAPI 3.1 document of `router.handlers`, rebuilt when handlers
 * are added), `GET <docsPath>` (the Scalar page, `text/html`, `Cache-Control: no-cache`) and
 * `GET <docsPath>/scalar.js` (Scalar's bundle from node_modules, immutable caching). The page's
 * Content-Security-Policy lets it reach only the service and the origins of `servers`.
 *
 * @throws AllFrameError `configuration` when one of the paths is taken on the router.
 * @example
 * mountApiDocs(host.router, { title: "orders", version: "1.0.0" });
 * // open http://127.0.0.1:3000/docs
 */
export function mountApiDocs(router: RestRouter, opts: ApiDocsOptions): void {
  const openApiPath = opts.openApiPath ?? "/openapi.json";
  const docsPath = opts.docsPath ?? "/docs";
  const scriptPath = `${docsPath}/scalar.js`;
  const servers = (opts.servers ?? []).flatMap((server) => {
    const origin = URL.parse(server.url)?.origin;
    return origin === undefined || origin === "null" ? [] : [origin];
  });
  let page: ScalarPage | undefined;
  router.mount(
    "GET",
    openApiPath,
    openApiHandler(() => router.handlers, opts),
  );
  router.mount("GET", scriptPath, serveScalarBundle);
  router.mount("GET", docsPath, async (_req, res) => {
    if (page === undefined) {
      const { etag } = await scalarBundle();
      page = scalarPage(
        {
          title: `${opts.title} API`,
          openApiUrl: openApiPath,
          scriptUrl: `${scriptPath}?v=${etag.slice(1, -1)}`,
        },
        servers,
      );
    }
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(page.html),
      "cache-control": "no-cache",
      "content-security-policy": page.contentSecurityPolicy,
    });
    res.end(page.html);
  });
}
