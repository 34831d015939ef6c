/**
 * Drives one gRPC server for the `grpc` suite: starts it as a child process (Node 24,
 * `process.execPath`), seeds one user with CreateUser, then keeps `concurrency` GetUser calls in
 * flight over one grpc-js client for a warm-up and a measured window.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import {
  credentials,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { stopGroup } from "../../../packages/core/src/testing/server-process.ts";
import { percentile, within } from "../messaging/measure.ts";

/** How hard and how long to drive a server. */
export interface GrpcLoad {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** What one run measured. */
export interface GrpcLoadResult {
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The server process's own CPU time (user + system) per call in the measured window, µs. */
  readonly serverCpuUsPerCall: number;
  readonly calls: number;
}

type Callback = (error: ServiceError | null, response?: { id: string }) => void;
type UserClient = {
  CreateUser(request: object, callback: Callback): void;
  GetUser(request: object, callback: Callback): void;
  close(): void;
};

interface ServerChild {
  readonly child: ChildProcess;
  readonly port: number;
  /** The next JSON line the child prints. */
  readonly nextLine: () => Promise<Record<string, number | string>>;
}

/** Starts `script` (with `args`) and resolves once it prints `{"port": n}`. */
async function startChild(script: string, args: readonly string[]): Promise<ServerChild> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${script} exited with ${code}`);
  });
  exited.catch(() => {});
  const nextLine = async () => {
    const next = await within(20_000, `a line from ${script}`, Promise.race([lines.next(), exited]));
    if (next.done === true) throw new Error(`${script} closed its output`);
    return JSON.parse(next.value) as Record<string, number | string>;
  };
  const { port } = await nextLine();
  return { child, port: Number(port), nextLine };
}

function rpc(client: UserClient, method: "CreateUser" | "GetUser", request: object): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    client[method](request, (error, response) =>
      error === null && response !== undefined ? resolve(response) : reject(error),
    );
  });
}

async function phase(
  client: UserClient,
  id: string,
  concurrency: number,
  ms: number,
  latencies: number[] | undefined,
) {
  const started = performance.now();
  const end = started + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await rpc(client, "GetUser", { id });
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

/**
 * Runs the GetUser workload against the server `script` starts, then stops it.
 * @param pkg the client package loaded from the emitted `.proto`.
 */
export async function driveServer(
  script: string,
  args: readonly string[],
  pkg: GrpcObject,
  load: GrpcLoad,
): Promise<GrpcLoadResult> {
  const { child, port, nextLine } = await startChild(script, args);
  const v1 = (pkg.allframe as Record<string, Record<string, Record<string, unknown>>>).users?.v1;
  const UserService = v1?.UserService as ServiceClientConstructor;
  const client = new UserService(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as UserClient;
  try {
    const { id } = await rpc(client, "CreateUser", { email: "bench@example.com", name: "Bench", age: 30 });
    await phase(client, id, load.concurrency, load.warmupMs, undefined);
    const latencies: number[] = [];
    child.kill("SIGUSR1");
    await nextLine();
    const elapsedMs = await phase(client, id, load.concurrency, load.durationMs, latencies);
    child.kill("SIGUSR2");
    const { cpuUs } = await nextLine();
    return {
      callsPerSecond: latencies.length / (elapsedMs / 1000),
      serverCpuUsPerCall: Number(cpuUs) / latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      calls: latencies.length,
    };
  } finally {
    client.close();
    await stopGroup(child, 5_000);
  }
}
