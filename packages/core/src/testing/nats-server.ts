/**
 * A throwaway NATS server with JetStream for tests and benchmarks, from Debian's `nats-server`
 * package (v2.9; `.ci/run` installs it): `nats-server -js -a 127.0.0.1 -p <port> -sd <tmp>` on a free
 * loopback port, stopped by process id and its folder deleted after. It starts in well under a
 * second. When `ALLFRAME_TEST_NATS_URL` is set, that server is used and nothing is started.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  assertInstalled,
  externalRestartableServer,
  externalServerUrl,
  freePort,
  type RestartableServer,
  stopGroup,
  waitForPort,
} from "./server-process.ts";

const SERVER = "/usr/sbin/nats-server";
const ENV = "ALLFRAME_TEST_NATS_URL";

/**
 * A running server; `url` is `nats://127.0.0.1:<port>`. `restart` keeps the JetStream store, so
 * streams, consumers and stored messages survive it.
 */
export type NatsServer = RestartableServer;

/**
 * Starts a server or connects to `ALLFRAME_TEST_NATS_URL`.
 * @throws Error naming what to install when `nats-server` is missing, or its log tail when it does
 *   not accept connections within 15 s.
 */
export async function startNats(): Promise<NatsServer> {
  const external = externalServerUrl(ENV);
  if (external !== undefined) return externalRestartableServer(external, ENV);
  await assertInstalled(SERVER, "NATS", "nats-server", ENV);
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
