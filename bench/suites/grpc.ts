/**
 * `grpc` (issue 5): unary GetUser calls against a plain `@grpc/grpc-js` server with a hand-written
 * implementation of the same `.proto` and against AllFrame's `startGrpcServer` (zod validation, error
 * mapping, output check, reflection on). Each server runs in its own child process; the bench process
 * drives it with one grpc-js client built from the emitted `.proto`, 50 calls in flight, 1 s warm-up
 * and 5 s measured. Two rounds in alternating order; the better round of each server counts, since
 * noise from other processes on this machine only ever lowers throughput. Each server also reports
 * its own CPU time per call (least of the rounds), which other processes disturb far less. About
 * 35 s in all.
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { buildProtoFile } from "../../packages/core/src/router/grpc/proto-text.ts";
import { userHandlers } from "../../packages/core/src/router/users.fixture.ts";
import { type BenchSuite, round2 } from "../suite.ts";
import { driveServer, type GrpcLoad, type GrpcLoadResult } from "./grpc/load.ts";
import { say } from "./messaging/measure.ts";

const LOAD: GrpcLoad = { concurrency: 50, warmupMs: 1_000, durationMs: 5_000 };
const ROUNDS = 2;
const SERVERS = {
  grpcjs: join(import.meta.dirname, "grpc/plain-server.ts"),
  allframe: join(import.meta.dirname, "grpc/allframe-server.ts"),
} as const;

function best(results: readonly GrpcLoadResult[]): GrpcLoadResult {
  return results.reduce((a, b) => (b.callsPerSecond > a.callsPerSecond ? b : a));
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
    const plain = best(results.grpcjs);
    const allframe = best(results.allframe);
    const figures: Record<string, number> = {};
    const units: Record<string, string> = {};
    const put = (name: string, value: number, unit: string) => {
      figures[name] = round2(value);
      units[name] = unit;
    };
    put("grpcjs_calls_per_s", plain.callsPerSecond, "calls/s");
    put("allframe_calls_per_s", allframe.callsPerSecond, "calls/s");
    put("allframe_vs_grpcjs_ratio", allframe.callsPerSecond / plain.callsPerSecond, "ratio");
    put("grpcjs_p50_ms", plain.p50Ms, "ms");
    put("grpcjs_p99_ms", plain.p99Ms, "ms");
    put("allframe_p50_ms", allframe.p50Ms, "ms");
    put("allframe_p99_ms", allframe.p99Ms, "ms");
    const plainCpu = Math.min(...results.grpcjs.map((r) => r.serverCpuUsPerCall));
    const allframeCpu = Math.min(...results.allframe.map((r) => r.serverCpuUsPerCall));
    put("grpcjs_server_cpu_us_per_call", plainCpu, "µs");
    put("allframe_server_cpu_us_per_call", allframeCpu, "µs");
    put("allframe_vs_grpcjs_cpu_per_call", allframeCpu / plainCpu, "ratio (lower is better)");
    put("concurrency", LOAD.concurrency, "calls in flight");
    put("measured_s", LOAD.durationMs / 1000, "s");
    return { figures, units };
  },
};
