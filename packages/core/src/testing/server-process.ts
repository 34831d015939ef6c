/**
 * Process plumbing shared by the test-server harnesses (PostgreSQL, Redis, NATS, RabbitMQ):
 * free loopback ports, waiting for a port to accept connections, and stopping a process group we
 * started, by its process id.
 * @module
 */
import type { ChildProcess } from "node:child_process";
import { access } from "node:fs/promises";
import { createConnection, createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Resolves once 127.0.0.1:`port` accepts a TCP connection, polling every 100 ms.
 * @throws Error after `timeoutMs`, or at once when `exited()` reports the server process gone.
 */
export async function waitForPort(port: number, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (exited()) throw new Error(`the server process exited before port ${port} opened`);
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Stops a process started with `detached: true` and every process in its group: SIGTERM, then
 * SIGKILL after `graceMs` (default 10 s). Resolves once the leader has exited. Never throws.
 */
export async function stopGroup(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  const pid = child?.pid;
  if (child === undefined || pid === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    signal("SIGKILL"); // stragglers of a leader that already exited
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signal("SIGKILL");
}

/** A throwaway broker the reliability tests can bounce: NATS and RabbitMQ. */
export interface RestartableServer {
  readonly url: string;
  /** Stops the server and deletes its folder. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops the server and starts it again on the same port with the same data; `downMs` (default 0) is
   * how long it stays down.
   * @throws Error when the server is external (named by an `ALLFRAME_TEST_*_URL` variable).
   */
  restart(downMs?: number): Promise<void>;
}

/** The URL an `ALLFRAME_TEST_*_URL` variable names, when set and not empty: use that server, start none. */
export function externalServerUrl(envVar: string): string | undefined {
  const url = process.env[envVar];
  return url === undefined || url === "" ? undefined : url;
}

/** A server someone else runs: nothing to stop, and it cannot be restarted from here. */
export function externalRestartableServer(url: string, envVar: string): RestartableServer {
  return {
    url,
    stop: async () => {},
    restart: async () => {
      throw new Error(`cannot restart the external server named by ${envVar}`);
    },
  };
}

/**
 * Resolves when `path` exists.
 * @throws Error naming the Debian package to install, or the variable to set, when it is missing.
 */
export async function assertInstalled(
  path: string,
  product: string,
  aptPackage: string,
  envVar: string,
): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new Error(
      `${product} is not installed (${path} is missing): apt-get install -y ${aptPackage}, or set ${envVar}`,
    );
  }
}
