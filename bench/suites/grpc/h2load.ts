/**
 * Loads a gRPC server with unary calls from `h2load` (Debian `nghttp2-client`), nghttp2's HTTP/2
 * load generator, as autocannon loads the HTTP servers of the `router` suite. A grpc-js client costs
 * about twice the CPU per call of the server it calls, so with one CPU for the load and one for the
 * servers it, not the servers, would set the pace; h2load, in C, keeps the servers busy.
 *
 * h2load does not read gRPC trailers, so every window checks the response bodies instead: each call
 * must have returned exactly the expected message, which a failing call (a trailers-only response
 * with `grpc-status`, no body) does not. The calls in flight at the deadline blur the count by at
 * most their number (50 of some 15,000 a window), so the servers are also checked with a real
 * client before they are loaded.
 * @module
 */
import { execFile } from "node:child_process";
import { AllFrameError } from "../../../packages/core/src/errors/allframe-error.ts";
import { type LoadResult, withServerCpu } from "../router/load.ts";
import type { ServerProcess } from "../router/server-process.ts";

/** One unary call, as h2load sends it. */
export interface UnaryCallLoad {
  /** e.g. `/allframe.users.v1.UserService/GetUser`. */
  readonly path: string;
  /** A file holding the request as one gRPC message frame (flag byte, 4-byte length, protobuf). */
  readonly requestFile: string;
  /** Bytes of the expected response's message frame: every successful call returns exactly these. */
  readonly responseFrameBytes: number;
  /** HTTP/2 connections, and calls in flight on each. */
  readonly connections: number;
  readonly streamsPerConnection: number;
}

/** A gRPC message frame: flag byte 0 (uncompressed), big-endian length, the encoded message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

function h2load(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("h2load", args, { encoding: "utf8" }, (error, stdout) => {
      if (error === null) resolve(stdout);
      else {
        reject(
          new AllFrameError(
            "unavailable",
            `h2load ${args.join(" ")} failed (${error.message}); the grpc suite loads servers with h2load: install Debian nghttp2-client`,
            { cause: error },
          ),
        );
      }
    });
  });
}

function field(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output)?.[1];
  if (match === undefined)
    throw new AllFrameError("internal", `h2load printed no ${what}; its output was:\n${output}`);
  return Number(match);
}

/**
 * Loads `server` with `call` for `seconds` and measures it.
 * @throws AllFrameError `unavailable` when a call failed or returned another body than expected, or
 *   h2load is missing; `internal` when h2load's summary cannot be read.
 */
export function loadUnary(server: ServerProcess, seconds: number, call: UnaryCallLoad): Promise<LoadResult> {
  return withServerCpu(server, async () =>
    checkedCount(server, call, await h2loadFor(server, seconds, call)),
  );
}

function h2loadFor(server: ServerProcess, seconds: number, call: UnaryCallLoad): Promise<string> {
  return h2load([
    "--duration",
    `${Math.round(seconds * 1000)}ms`,
    "--clients",
    String(call.connections),
    "--max-concurrent-streams",
    String(call.streamsPerConnection),
    "--data",
    call.requestFile,
    "--header",
    "content-type: application/grpc",
    "--header",
    "te: trailers",
    `${server.url}${call.path}`,
  ]);
}

/**
 * The calls h2load completed and its wall time, from its summary.
 * @throws AllFrameError `unavailable` when a call failed or returned another body than expected.
 */
function checkedCount(
  server: ServerProcess,
  call: UnaryCallLoad,
  output: string,
): { requests: number; seconds: number } {
  const succeeded = field(output, /requests: .*?(\d+) succeeded/, "succeeded count");
  const failed =
    field(output, /(\d+) failed/, "failed count") + field(output, /(\d+) errored/, "errored count");
  const answered = field(output, /status codes: (\d+) 2xx/, "2xx count");
  const data = field(output, /traffic: .*\((\d+)\) data/, "data byte count");
  const elapsed = field(output, /finished in ([\d.]+)s/, "duration");
  // Calls still in flight at the deadline are not counted as succeeded, but may have sent their
  // headers (counted as 2xx) and their message: the bytes lie between the two counts' worth.
  const frames = data / call.responseFrameBytes;
  if (failed > 0 || succeeded === 0 || !Number.isInteger(frames) || frames < succeeded || frames > answered) {
    throw new AllFrameError(
      "unavailable",
      `${server.url}${call.path}: ${succeeded} calls answered, ${failed} failed, ${data} bytes of messages where ${succeeded} to ${answered} messages of ${call.responseFrameBytes} bytes were expected; a call failed under load`,
    );
  }
  return { requests: succeeded, seconds: elapsed };
}
