/**
 * A throwaway Redis server for tests and benchmarks: Debian's `redis-server` on a free loopback port,
 * no persistence, data folder in a temporary directory, stopped by process id and deleted after
 * (`.ci/run` installs it). When `ALLFRAME_TEST_REDIS_URL` is set, that server is used instead and
 * nothing is started; tests then isolate themselves by key prefix.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";

import { tmpdir } from "node:os";
import { join } from "node:path";
import { externalServerUrl, freePort } from "./server-process.ts";

/** The binary started; from Debian's `redis-server` package. */
export const REDIS_SERVER_BIN = "/usr/bin/redis-server";

/** A running server; `url` is `redis://127.0.0.1:<port>`. */
export interface RedisServer {
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its folder; idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** Upper bound for the server to report it accepts connections, in milliseconds; default 10000. */
  readonly startTimeoutMs?: number;
}

function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`redis-server exited (${code}): ${output.trim()}`));
    const onError = (error: Error) => done(error);
    const timer = setTimeout(
      () => done(new Error(`redis-server not ready after ${timeoutMs} ms: ${output.trim()}`)),
      timeoutMs,
    );
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts a server (well under a second) or returns `ALLFRAME_TEST_REDIS_URL`.
 * @throws Error naming what to install when `redis-server` is missing, or the server's output when it
 *   exits or is not ready in time.
 * @example
 * const redis = await startRedis();
 * after(() => redis.stop());
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const external = externalServerUrl("ALLFRAME_TEST_REDIS_URL");
  if (external !== undefined) return { url: external, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), "allframe-redis-"));
  const port = await freePort();
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--daemonize",
    "no",
    "--dir",
    dir,
    "--save",
    "",
  ];
  const child = spawn(REDIS_SERVER_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stderr?.resume();
  try {
    await waitUntilReady(child, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? `${REDIS_SERVER_BIN} is missing: apt-get install -y redis-server, or set ALLFRAME_TEST_REDIS_URL`
        : `Redis did not start: ${(error as Error).message}`,
      { cause: error },
    );
  }
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      stopped ??= stopProcess(child).then(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
