/**
 * A throwaway NATS server with JetStream for tests and benchmarks, from Debian's `nats-server`
 * package (v2.9; `.ci/run` installs it): `nats-server -js -a 127.0.0.1 -p <port> -sd <tmp>` on a free
 * loopback port, stopped by process id and its folder deleted after. It starts in well under a
 * second. When `ALLFRAME_TEST_NATS_URL` is set, that server is used and nothing is started.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopGroup, waitForPort } from "./server-process.ts";

const SERVER = "/usr/sbin/nats-server";

/** A running server. `url` is `nats://127.0.0.1:<port>`. */
export interface NatsServer {
  readonly url: string;
  /** Stops the server and deletes its JetStream store. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops the server and starts it again on the same port with the same store, so streams,
   * consumers and stored messages survive. `downMs` (default 0) is how long it stays down.
   * @throws Error when started from `ALLFRAME_TEST_NATS_URL`.
   */
  restart(downMs?: number): Promise<void>;
}

/**
 * Starts a server or connects to `ALLFRAME_TEST_NATS_URL`.
 * @throws Error naming what to install when `nats-server` is missing, or its log tail when it does
 *   not accept connections within 15 s.
 */
export async function startNats(): Promise<NatsServer> {
  const external = process.env.ALLFRAME_TEST_NATS_URL;
  if (external !== undefined && external !== "") {
    return {
      url: external,
      stop: async () => {},
      restart: async () => {
        throw new Error("cannot restart the external server named by ALLFRAME_TEST_NATS_URL");
      },
    };
  }
  try {
    await access(SERVER);
  } catch {
    throw new Error(
      `NATS is not installed (${SERVER} is missing): apt-get install -y nats-server, or set ALLFRAME_TEST_NATS_URL`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "allframe-nats-"));
  const port = await freePort();
  const log = join(dir, "server.log");
  let server: ChildProcess | undefined;
  const boot = async () => {
    const args = ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", join(dir, "store"), "-l", log];
    server = spawn(SERVER, args, { detached: true, stdio: "ignore" });
    try {
      await waitForPort(port, 15_000, () => server?.exitCode !== null);
    } catch (error) {
      const tail = await readFile(log, "utf8").catch(() => "(no log)");
      await stopGroup(server);
      throw new Error(`nats-server did not start: ${(error as Error).message}\n${tail.slice(-2000)}`, {
        cause: error,
      });
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(server);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await boot();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop,
    async restart(downMs = 0) {
      await stopGroup(server);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await boot();
    },
  };
}
