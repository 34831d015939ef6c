/**
 * The Prometheus scrape endpoint as a plain Node request handler (`GET /metrics`).
 * @module
 */
import type { NodeRequestHandler } from "../tracing/trace-http.ts";
import type { ServiceMetrics } from "./service-metrics.ts";

/**
 * Returns a handler answering `GET` (and `HEAD`) with every series of `metrics` in the Prometheus text
 * format (`content-type` from the registry, version 0.0.4); other methods get 405 with `allow: GET,
 * HEAD`. It does not look at the path: mount it on the route you expose (conventionally `/metrics`).
 * If collecting fails, it answers 500 with the error's message (the endpoint is for operators).
 *
 * @example
 * createServer((req, res) => (req.url === "/metrics" ? scrape(req, res) : app(req, res)));
 */
export function metricsHandler(metrics: ServiceMetrics): NodeRequestHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("use GET to scrape metrics\n");
      return;
    }
    let body: string;
    try {
      body = await metrics.metrics();
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
