/**
 * Mounts the explorer's routes on a plain `node:http` server on loopback, as the REST router would.
 * Only tests use this.
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GrpcExplorer } from "./grpc-explorer.ts";

/** A running HTTP server for an explorer. */
export interface ExplorerHttp {
  /** e.g. `http://127.0.0.1:43127`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `explorer.routes`; anything else is 404. */
export async function serveExplorer(explorer: GrpcExplorer): Promise<ExplorerHttp> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = explorer.routes.find((r) => r.method === req.method && r.path === path);
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    route.handler(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
