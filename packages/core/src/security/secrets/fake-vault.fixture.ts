/**
 * A loopback HTTP server speaking the slice of Vault's KV v2 API that `VaultSecrets` uses
 * (`GET /v1/<mount>/data/<path>`, `X-Vault-Token`), for tests: there is no Vault binary here.
 * @module
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** Options: the accepted token, the mount, and the secrets as path → fields. */
export interface FakeVaultOptions {
  token: string;
  mount?: string;
  secrets: Record<string, Record<string, string>>;
  /** Answer every request with this status (to test failures). */
  failWith?: number;
}

/** The running fake. */
export interface FakeVault {
  address: string;
  /** Headers of each request, oldest first. */
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export async function startFakeVault(opts: FakeVaultOptions): Promise<FakeVault> {
  const requests: FakeVault["requests"] = [];
  const prefix = `/v1/${opts.mount ?? "secret"}/data/`;
  const server = createServer((req, res) => {
    const path = req.url ?? "";
    requests.push({ path, headers: req.headers });
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (opts.failWith !== undefined) return reply(opts.failWith, { errors: ["internal error"] });
    if (req.headers["x-vault-token"] !== opts.token) return reply(403, { errors: ["permission denied"] });
    const secret = path.startsWith(prefix)
      ? opts.secrets[decodeURIComponent(path.slice(prefix.length))]
      : undefined;
    if (secret === undefined) return reply(404, { errors: [] });
    return reply(200, {
      request_id: "r-1",
      lease_duration: 0,
      data: {
        data: secret,
        metadata: { version: 1, created_time: "2026-01-01T00:00:00Z", deletion_time: "" },
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
