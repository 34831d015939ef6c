/**
 * `grpc` (issue 5): unary GetUser calls against a plain `@grpc/grpc-js` server with a hand-written
 * implementation of the same `.proto` and against AllFrame's `startGrpcServer` (zod validation, error
 * mapping, output check, reflection on). Each server runs in its own child process; the bench process
 * drives it with one grpc-js client built from the emitted `.proto`, 50 calls in flight, 1 s warm-up
 * and 4 s measured. Six rounds, each measuring both servers back to back in alternating order, so a
 * round's AllFrame/grpc-js ratio compares them under the same machine load; the ratio figure is the
 * median of the rounds' ratios, a per-server figure the median of its rounds (as in `router`; this
 * virtual machine's speed drifts by tens of percent between runs). Each server also reports its own
 * CPU time per call. About 80 s in all.
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { buildProtoFile } from "../../packages/core/src/router/grpc/proto-text.ts";
import { userHandlers } from "../../packages/core/src/router/users.fixture.ts";
import { type BenchSuite, figureSheet, median, say } from "../suite.ts";
import { driveServer, type GrpcLoad, type GrpcLoadResult } from "./grpc/load.ts";

const LOAD: GrpcLoad = { concurrency: 50, warmupMs: 1_000, durationMs: 4_000 };
const ROUNDS = 6;
const SERVERS = {
  grpcjs: join(import.meta.dirname, "grpc/plain-server.ts"),
  allframe: join(import.meta.dirname, "grpc/allframe-server.ts"),
} as const;

/** Median over the rounds of `pick(allframe) / pick(grpcjs)`, round by round. */
function pairedRatio(
  results: Record<"grpcjs" | "allframe", GrpcLoadResult[]>,
  pick: (result: GrpcLoadResult) => number,
): number {
  return median(results.allframe.map((r, i) => pick(r) / pick(results.grpcjs[i] as GrpcLoadResult)));
}

export const grpcSuite: BenchSuite = {
  async run() {
    const dir = await mkdtemp(join(tmpdir(), "allframe-bench-grpc-"));
    const results: Record<keyof typeof SERVERS, GrpcLoadResult[]> = { grpcjs: [], allframe: [] };
    try {
      const protoPath = join(dir, "user_service.proto");
      await writeFile(protoPath, buildProtoFile(userHandlers(), { package: "allframe.users.v1" }));
      const pkg = loadPackageDefinition(
        loadSync(protoPath, { keepCase: true, longs: Number, enums: String, arrays: true }),
      );
      say(
        `grpc: GetUser, ${LOAD.concurrency} in flight, ${LOAD.warmupMs} ms warm-up + ${LOAD.durationMs} ms, ${ROUNDS} rounds`,
      );
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate which server goes first, so a drift in machine load does not favour one.
        const order = round % 2 === 1 ? (["grpcjs", "allframe"] as const) : (["allframe", "grpcjs"] as const);
        for (const name of order) {
          const result = await driveServer(SERVERS[name], [protoPath], pkg, LOAD);
          results[name].push(result);
          say(
            `  round ${round} ${name}: ${result.callsPerSecond.toFixed(0)} calls/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, server CPU ${result.serverCpuUsPerCall.toFixed(1)} µs/call`,
          );
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const of = (name: keyof typeof SERVERS, pick: (r: GrpcLoadResult) => number) =>
      median(results[name].map(pick));
    const { sheet, put } = figureSheet();
    for (const name of ["grpcjs", "allframe"] as const) {
      put(
        `${name}_calls_per_s`,
        of(name, (r) => r.callsPerSecond),
        "calls/s",
      );
      put(
        `${name}_p50_ms`,
        of(name, (r) => r.p50Ms),
        "ms",
      );
      put(
        `${name}_p99_ms`,
        of(name, (r) => r.p99Ms),
        "ms",
      );
      put(
        `${name}_server_cpu_us_per_call`,
        of(name, (r) => r.serverCpuUsPerCall),
        "µs",
      );
    }
    put(
      "allframe_vs_grpcjs_ratio",
      pairedRatio(results, (r) => r.callsPerSecond),
      "ratio",
    );
    put(
      "allframe_vs_grpcjs_cpu_per_call",
      pairedRatio(results, (r) => r.serverCpuUsPerCall),
      "ratio (lower is better)",
    );
    put("rounds", ROUNDS, "rounds");
    put("concurrency", LOAD.concurrency, "calls in flight");
    put("measured_s", LOAD.durationMs / 1000, "s");
    return sheet;
  },
};
