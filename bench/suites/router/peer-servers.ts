/**
 * Child process entry for the peers of the router benchmark: `node peer-servers.ts <node|fastify|hono>`
 * serves `GET /hello` → `{"hello":"world"}` on a free loopback port, each the way its documentation
 * shows (Fastify without its logger, Hono on @hono/node-server); `node_otel <ratio>` is the node
 * server traced by the OpenTelemetry SDK alone at that sampling ratio (`plain-otel.ts`).
 * @module
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import Fastify from "fastify";
import { Hono } from "hono";
import { withPlainOtel } from "./plain-otel.ts";
import { reportListening } from "./server-process.ts";

const kind = process.argv[2];
// Exit through Node's normal path on SIGTERM, so exit-time work (e.g. --cpu-prof output) happens.
process.once("SIGTERM", () => process.exit(0));
const helloNode: RequestListener = (req, res) => {
  if (req.method === "GET" && req.url === "/hello") {
    // Content-Length as Fastify, Hono and AllFrame send it (without it writeHead means chunked).
    const body = JSON.stringify({ hello: "world" });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.writeHead(404).end();
  }
};
const ratio = Number(process.argv[3]);
if (kind === "node" || (kind === "node_otel" && ratio >= 0 && ratio <= 1)) {
  const server = createServer(kind === "node" ? helloNode : withPlainOtel(helloNode, ratio));
  server.listen(0, "127.0.0.1", () => reportListening((server.address() as AddressInfo).port));
} else if (kind === "fastify") {
  const app = Fastify({ logger: false });
  app.get("/hello", async () => ({ hello: "world" }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  reportListening((app.server.address() as AddressInfo).port);
} else if (kind === "hono") {
  const app = new Hono();
  app.get("/hello", (c) => c.json({ hello: "world" }));
  serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => reportListening(info.port));
} else {
  process.stderr.write(
    `usage: peer-servers.ts <node|fastify|hono|node_otel ratio>; got ${process.argv.slice(2).join(" ")}\n`,
  );
  process.exit(2);
}
