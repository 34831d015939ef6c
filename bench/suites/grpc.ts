/**
 * `grpc` (issue 5): unary GetUser calls against a plain `@grpc/grpc-js` server with a hand-written
 * implementation of the same `.proto`, and against AllFrame's `startGrpcServer` (zod validation of
 * input and output, error mapping, reflection on). Each server runs in its own child process, checked
 * first with a real grpc-js client (CreateUser, then GetUser must return that user), then loaded by
 * h2load (`grpc/h2load.ts`), 50 calls in flight on one HTTP/2 connection.
 *
 * Two kinds of figures, as in `router`:
 * - per server (`<name>_calls_per_s`, `<name>_calls_per_cpu_s`): each alone, in rounds that measure
 *   both back to back (order alternating); the median of its rounds.
 * - the ratio (`allframe_vs_grpcjs_ratio`, calls per own CPU second; `_rps_ratio`, calls/s): both
 *   servers co-scheduled on one CPU and loaded together (`router/co-scheduled.ts`), so the VM's drift
 *   cancels; the median over windows of three fresh process pairs.
 *
 * About two minutes; needs two CPUs, `taskset` and `h2load` (Debian `util-linux`, `nghttp2-client`).
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type GrpcObject, loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { AllFrameError } from "../../packages/core/src/errors/allframe-error.ts";
import { responseOf, testClient } from "../../packages/core/src/router/grpc/grpc-client.fixture.ts";
import { buildProtoFile } from "../../packages/core/src/router/grpc/proto-text.ts";
import { userHandlers } from "../../packages/core/src/router/users.fixture.ts";
import { type BenchSuite, figureSheet, median, say } from "../suite.ts";
import { grpcFrame, loadUnary, type UnaryCallLoad } from "./grpc/h2load.ts";
import {
  type CoScheduledWindow,
  coScheduledRatio,
  describeWindows,
  measureFreshPairs,
} from "./router/co-scheduled.ts";
import type { LoadResult } from "./router/load.ts";
import { type ServerProcess, startServerProcess } from "./router/server-process.ts";

const SERVERS = {
  grpcjs: new URL("./grpc/plain-server.ts", import.meta.url),
  allframe: new URL("./grpc/allframe-server.ts", import.meta.url),
} as const;
type ServerName = keyof typeof SERVERS;
const PACKAGE = "allframe.users.v1";
const GET_USER = `/${PACKAGE}.UserService/GetUser`;
const NEW_USER = { email: "bench@example.com", name: "Bench", age: 30 };
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 2.5;
const ROUNDS = 4;
const PROCESS_PAIRS = 3;
/** Calls in flight, all on one HTTP/2 connection, as one grpc-js channel would carry them. */
const IN_FLIGHT = 50;
/** Each co-scheduled process pair: 4 warm-up windows, then 6 counted windows of 2 s (1 s windows scattered 0.7-1.2). */
const WINDOW = { windowSeconds: 2, warmupWindows: 4, windows: 6 };

/**
 * Starts `name` and checks it with a grpc-js client: CreateUser makes user u1 (both servers number
 * users from u1, so one request file and one response size serve both), then GetUser returns it.
 * @throws (after stopping the server) AllFrameError `internal` when either answer is wrong; an Error
 *   naming the gRPC status when either call fails.
 */
async function startChecked(name: ServerName, protoPath: string, pkg: GrpcObject): Promise<ServerProcess> {
  const server = await startServerProcess(SERVERS[name], [protoPath]);
  const { client, unary } = testClient(pkg, `${PACKAGE}.UserService`, server.url.replace("http://", ""));
  try {
    const user = responseOf(await unary("CreateUser", NEW_USER));
    if (user.id !== "u1") throw new AllFrameError("internal", `${name} created ${user.id}, not u1`);
    const read = responseOf(await unary("GetUser", { id: user.id }));
    if (!isDeepStrictEqual(read, user)) {
      throw new AllFrameError(
        "internal",
        `${name}: GetUser returned ${JSON.stringify(read)}, not the created ${JSON.stringify(user)}`,
      );
    }
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    client.close();
  }
}

/** Each server alone: a warm-up, then {@link ROUNDS} rounds measuring both back to back, order alternating. */
async function soloRounds(
  start: (name: ServerName) => Promise<ServerProcess>,
  call: UnaryCallLoad,
  samples: Record<ServerName, LoadResult[]>,
): Promise<void> {
  const servers: Partial<Record<ServerName, ServerProcess>> = {};
  try {
    for (const name of ["grpcjs", "allframe"] as const) {
      const server = await start(name);
      servers[name] = server;
      await loadUnary(server, WARMUP_SECONDS, call);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 === 0
        ? (["grpcjs", "allframe"] as const)
        : (["allframe", "grpcjs"] as const)) {
        const result = await loadUnary(servers[name] as ServerProcess, ROUND_SECONDS, call);
        samples[name].push(result);
        say(
          `  round ${round + 1} ${name}: ${result.requestsPerSecond.toFixed(0)} calls/s, ${result.requestsPerCpuSecond.toFixed(0)} calls per CPU s`,
        );
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

export const grpcSuite: BenchSuite = {
  async run() {
    const dir = await mkdtemp(join(tmpdir(), "allframe-bench-grpc-"));
    const samples: Record<ServerName, LoadResult[]> = { grpcjs: [], allframe: [] };
    let windows: CoScheduledWindow[] = [];
    try {
      const protoPath = join(dir, "user_service.proto");
      await writeFile(protoPath, buildProtoFile(userHandlers(), { package: PACKAGE }));
      const pkg = loadPackageDefinition(
        loadSync(protoPath, { keepCase: true, longs: Number, enums: String, arrays: true }),
      );
      const root = protobuf.loadSync(protoPath);
      const start = (name: ServerName) => startChecked(name, protoPath, pkg);
      const requestFile = join(dir, "get-user.bin");
      await writeFile(
        requestFile,
        grpcFrame(root.lookupType(`${PACKAGE}.GetUserRequest`).encode({ id: "u1" }).finish()),
      );
      const response = root
        .lookupType(`${PACKAGE}.GetUserResponse`)
        .encode({ id: "u1", ...NEW_USER })
        .finish();
      const call: UnaryCallLoad = {
        path: GET_USER,
        requestFile,
        responseFrameBytes: grpcFrame(response).length,
        connections: 1,
        streamsPerConnection: IN_FLIGHT,
      };
      say(
        `grpc: GetUser by h2load, ${IN_FLIGHT} calls in flight, ${ROUNDS} rounds of ${ROUND_SECONDS} s per server`,
      );
      await soloRounds(start, call, samples);
      say(`co-scheduled: ${PROCESS_PAIRS} fresh process pairs`);
      const byProcessPair = await measureFreshPairs(
        () => start("grpcjs"),
        () => start("allframe"),
        PROCESS_PAIRS,
        {
          ...WINDOW,
          load: (server, seconds) => loadUnary(server, seconds, call),
        },
      );
      byProcessPair.forEach((pair, p) => {
        say(`  allframe / grpcjs, process pair ${p + 1}, per CPU s by window: ${describeWindows(pair)}`);
      });
      windows = byProcessPair.flat();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const { sheet, put } = figureSheet();
    for (const name of ["grpcjs", "allframe"] as const) {
      put(`${name}_calls_per_s`, median(samples[name].map((r) => r.requestsPerSecond)), "calls/s");
      put(`${name}_calls_per_cpu_s`, median(samples[name].map((r) => r.requestsPerCpuSecond)), "calls/CPU-s");
    }
    put("allframe_vs_grpcjs_ratio", coScheduledRatio(windows, "requestsPerCpuSecond"), "ratio");
    put("allframe_vs_grpcjs_rps_ratio", coScheduledRatio(windows, "requestsPerSecond"), "ratio");
    put("process_pairs", PROCESS_PAIRS, "process pairs");
    put("calls_in_flight", IN_FLIGHT, "calls");
    return sheet;
  },
};
