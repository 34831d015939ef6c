/**
 * A throwaway RabbitMQ broker for tests and benchmarks, from Debian's `rabbitmq-server` package
 * (3.10; `.ci/run` installs it): node, data and logs in a temporary folder, AMQP on a free loopback
 * port, its own `epmd` on a free port (so a system-wide epmd is neither needed nor touched), stopped
 * by process id and deleted after. The broker refuses to run as root, so as root it runs as the
 * `rabbitmq` user, which then owns the folder (DESIGN.md, "Measured facts"). It accepts connections
 * after ~10–15 s. When `ALLFRAME_TEST_AMQP_URL` is set, that broker is used and nothing is started.
 * @module
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  assertInstalled,
  externalRestartableServer,
  externalServerUrl,
  freePort,
  type RestartableServer,
  stopGroup,
  waitForPort,
} from "./server-process.ts";

const run = promisify(execFile);
const SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const ENV = "ALLFRAME_TEST_AMQP_URL";

/**
 * A running broker; `url` is `amqp://guest:guest@127.0.0.1:<port>`. `restart` keeps its data, so durable
 * queues and persistent messages survive it.
 */
export type RabbitMqServer = RestartableServer;

async function rabbitOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const { stdout: uid } = await run("id", ["-u", "rabbitmq"]);
  const { stdout: gid } = await run("id", ["-g", "rabbitmq"]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** Runs `command` as the rabbitmq user when we are root, in its own process group. */
function spawnAs(
  owner: { uid: number; gid: number } | undefined,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
): ChildProcess {
  const [cmd, argv] =
    owner === undefined ? [command, args] : ["runuser", ["-u", "rabbitmq", "--", command, ...args]];
  return spawn(cmd, argv, { env, detached: true, stdio: ["ignore", "ignore", "ignore"], cwd: log });
}

/**
 * Starts a broker (~13 s) or connects to `ALLFRAME_TEST_AMQP_URL`.
 * @throws Error naming what to install when RabbitMQ is missing, or the broker's log tail when it
 *   does not accept connections within 60 s.
 */
export async function startRabbitMq(): Promise<RabbitMqServer> {
  const external = externalServerUrl(ENV);
  if (external !== undefined) return externalRestartableServer(external, ENV);
  await assertInstalled(SERVER, "RabbitMQ", "rabbitmq-server", ENV);
  const dir = await mkdtemp(join(tmpdir(), "allframe-rabbitmq-"));
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const name = `allframe${process.pid}x${port}@localhost`;
  const owner = await rabbitOwner();
  for (const sub of ["mnesia", "log"]) await mkdir(join(dir, sub));
  await writeFile(join(dir, "enabled_plugins"), "[].\n");
  await writeFile(join(dir, "rabbitmq.conf"), "loopback_users = none\n");
  if (owner !== undefined) {
    for (const path of [
      dir,
      ...["mnesia", "log", "enabled_plugins", "rabbitmq.conf"].map((p) => join(dir, p)),
    ]) {
      await chown(path, owner.uid, owner.gid);
    }
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: "C.UTF-8",
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_NODENAME: name,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, "feature_flags"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
  };
  const epmd = spawnAs(
    owner,
    "/usr/bin/epmd",
    ["-port", String(epmdPort), "-address", "127.0.0.1"],
    env,
    dir,
  );
  let broker: ChildProcess | undefined;
  const boot = async () => {
    broker = spawnAs(owner, SERVER, [], env, dir);
    try {
      await waitForPort(port, 60_000, () => broker?.exitCode !== null);
    } catch (error) {
      const log = await readFile(join(dir, "log", `${name}.log`), "utf8").catch(() => "(no log)");
      await stopGroup(broker);
      throw new Error(`RabbitMQ did not start: ${(error as Error).message}\n${log.slice(-2000)}`, {
        cause: error,
      });
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(broker);
    await stopGroup(epmd);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await boot();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    stop,
    async restart(downMs = 0) {
      await stopGroup(broker);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await boot();
    },
  };
}
