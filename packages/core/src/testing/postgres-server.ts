/**
 * A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a temporary folder, started
 * with `pg_ctl` on a free loopback port, stopped and deleted after. Uses Debian's `postgresql` package
 * (`/usr/lib/postgresql/<version>/bin`); `.ci/run` installs it. When `ALLFRAME_TEST_POSTGRES_URL` is
 * set, that server is used instead and nothing is started.
 *
 * Each `createDatabase()` gives a fresh, empty database, so tests sharing one server stay isolated.
 * @module
 */
import { execFile } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, rm } from "node:fs/promises";

import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { externalServerUrl, freePort } from "./server-process.ts";

const run = promisify(execFile);

/** A running server; `url` connects to its `postgres` database as the `postgres` superuser. */
export interface PostgresServer {
  readonly url: string;
  /** Creates a new empty database and returns its connection URL. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
  /**
   * Stops the server (`pg_ctl stop -m fast`: sessions are cut off, as in an outage, and committed data
   * is checkpointed even without `durable`) but keeps its data folder and port, so `resume()` brings the
   * same databases back; for outage tests.
   * @throws Error when the server is external (`ALLFRAME_TEST_POSTGRES_URL`) or already stopped.
   */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port with the same data; a no-op when it is running. */
  resume(): Promise<void>;
}

interface Lifecycle {
  stop(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Keep PostgreSQL's durability settings (fsync, synchronous_commit); off by default for speed. */
  readonly durable?: boolean;
}

async function binDir(): Promise<string> {
  const root = "/usr/lib/postgresql";
  let versions: string[];
  try {
    versions = await readdir(root);
  } catch {
    throw new Error(
      `PostgreSQL is not installed (${root} is missing): apt-get install -y postgresql, or set ALLFRAME_TEST_POSTGRES_URL`,
    );
  }
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL version under ${root}`);
  return join(root, newest, "bin");
}

/** PostgreSQL refuses to run as root; run its tools as the `postgres` system user then. */
async function asPostgres(command: string, args: string[]): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await run("runuser", ["-u", "postgres", "--", command, ...args]);
  else await run(command, args);
}

async function postgresUid(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const { stdout: uid } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

function serverFor(url: string, lifecycle: Lifecycle): PostgresServer {
  let counter = 0;
  return {
    url,
    async createDatabase(prefix = "t") {
      const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${++counter}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    stop: lifecycle.stop,
    pause: lifecycle.pause,
    resume: lifecycle.resume,
  };
}

/**
 * Starts a server (about 1–2 s) or connects to `ALLFRAME_TEST_POSTGRES_URL`.
 * @throws Error naming what to install when PostgreSQL is missing, or pg_ctl's output when it fails.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const external = externalServerUrl("ALLFRAME_TEST_POSTGRES_URL");
  if (external !== undefined) {
    const cannot = async () => {
      throw new Error("pause/resume need a server started here; unset ALLFRAME_TEST_POSTGRES_URL");
    };
    return serverFor(external, { stop: async () => {}, pause: cannot, resume: cannot });
  }
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), "allframe-pg-"));
  const owner = await postgresUid();
  if (owner !== undefined) await chown(dir, owner.uid, owner.gid);
  await chmod(dir, 0o700);
  const data = join(dir, "data");
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c max_connections=200",
    ...(options.durable === true
      ? []
      : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ].join(" ");
  const pgStart = () =>
    asPostgres(join(bin, "pg_ctl"), [
      "-D",
      data,
      "-o",
      settings,
      "-l",
      join(dir, "server.log"),
      "-w",
      "start",
    ]);
  const pgStop = () => asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
  try {
    await asPostgres(join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    await pgStart();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(error as { stderr?: string }).stderr ?? String(error)}`, {
      cause: error,
    });
  }
  let stopped = false;
  let paused = false;
  return serverFor(`postgres://postgres@127.0.0.1:${port}/postgres`, {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!paused) await pgStop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
    async pause() {
      if (stopped || paused) throw new Error("the PostgreSQL server is not running");
      paused = true;
      await asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    async resume() {
      if (stopped) throw new Error("the PostgreSQL server was stopped for good");
      if (!paused) return;
      await pgStart();
      paused = false;
    },
  });
}
