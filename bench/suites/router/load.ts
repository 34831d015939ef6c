/**
 * Drives a server with autocannon from the bench process and reports requests per second.
 * @module
 */
import autocannon from "autocannon";
import { AllFrameError } from "../../../packages/core/src/errors/allframe-error.ts";
import { type ServerProcess, startServerProcess } from "./server-process.ts";

/** One load run: same shape for every server so their figures compare. */
export interface LoadOptions {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly method?: "GET" | "POST";
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one load run measured. */
export interface LoadResult {
  /** Completed 2xx responses over the run's wall time. */
  readonly requestsPerSecond: number;
  /**
   * Responses per second of the server's own CPU time (user + system): how much work a request
   * costs the server, which, unlike requests/s, holds when other processes take the cores.
   */
  readonly requestsPerCpuSecond: number;
}

/**
 * Loads `server` at `path` and measures it (see {@link LoadResult}).
 * @throws AllFrameError `unavailable` when any request errored, timed out or answered non-2xx, so a
 *   broken server never reports a figure.
 */
export function measure(server: ServerProcess, path: string, opts: LoadOptions): Promise<LoadResult> {
  return withServerCpu(server, async () => {
    const result = await load(`${server.url}${path}`, opts);
    return { requests: result.requests.total, seconds: result.duration };
  });
}

/**
 * Runs `run` (a load generator against `server`, answering the requests it completed and its wall
 * time in seconds) and reads the server's own CPU time around it, for a {@link LoadResult}.
 */
export async function withServerCpu(
  server: ServerProcess,
  run: () => Promise<{ readonly requests: number; readonly seconds: number }>,
): Promise<LoadResult> {
  const cpuBefore = await server.cpuSeconds();
  const { requests, seconds } = await run();
  const cpu = (await server.cpuSeconds()) - cpuBefore;
  return { requestsPerSecond: requests / seconds, requestsPerCpuSecond: requests / cpu };
}

async function load(url: string, opts: LoadOptions): Promise<autocannon.Result> {
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.durationSeconds,
    method: opts.method ?? "GET",
    ...(opts.body === undefined ? {} : { body: opts.body }),
    ...(opts.headers === undefined ? {} : { headers: { ...opts.headers } }),
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new AllFrameError(
      "unavailable",
      `${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses under load`,
    );
  }
  return result;
}

/**
 * The hook for more AllFrame figures (GraphQL, gRPC, ...): starts a service host in a child process,
 * set up by `setupModule`'s exported `setup(host)` (see `hello-setup.ts`), and returns its URL.
 * @example
 * const server = await startAllFrameServer(new URL("./graphql-setup.ts", import.meta.url));
 * const { requestsPerSecond } = await measure(server, "/graphql", { connections: 50, durationSeconds: 5,
 *   method: "POST", body: '{"query":"{ hello }"}', headers: { "content-type": "application/json" } });
 * await server.stop();
 */
export function startAllFrameServer(
  setupModule: URL,
  samplingRatio?: number | "off",
): Promise<ServerProcess> {
  const args = samplingRatio === undefined ? [setupModule.href] : [setupModule.href, String(samplingRatio)];
  return startServerProcess(new URL("./allframe-server.ts", import.meta.url), args);
}

/**
 * Starts a peer (`node`, `fastify`, `hono`) serving `GET /hello` in a child process; `node_otel` is
 * the node peer traced by the OpenTelemetry SDK alone at `samplingRatio` (0–1; see `plain-otel.ts`).
 */
export function startPeerServer(kind: "node" | "fastify" | "hono"): Promise<ServerProcess>;
export function startPeerServer(kind: "node_otel", samplingRatio: number): Promise<ServerProcess>;
export function startPeerServer(
  kind: "node" | "fastify" | "hono" | "node_otel",
  samplingRatio?: number,
): Promise<ServerProcess> {
  const args = samplingRatio === undefined ? [kind] : [kind, String(samplingRatio)];
  return startServerProcess(new URL("./peer-servers.ts", import.meta.url), args);
}
